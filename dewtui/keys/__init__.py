"""The keys area (KMS): the key list, the key detail screen and its tabs (details, online tool,
tags, public key, rotation policy, grants), the create, import and deletion dialogs."""
