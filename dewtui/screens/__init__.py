"""Screens: one module per area (keys, …) plus detail screens pushed on top of them."""
