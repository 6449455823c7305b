"""The secret manager (CSMS): secrets, versions, stages, backup, rotation."""
