"""Key management: customer master keys, their material, crypto operations, grants."""
