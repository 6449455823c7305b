"""Root key operations beyond opening it: passphrase changes, sealing, and rotation.

`registry` lists every database column sealed under the root key and every sub-key derived
from it, with what rotation does to each; `rotation` re-seals them all in one transaction;
`pending` decides, at open, whether a `root.key.next` left by an interrupted rotation is the
database's key; `service` is the audited road the Engine's methods take.
"""
