"""The firmware check: identify the container, extract it within limits, analyse what came out.

``headers`` and ``fit`` parse uImage, TRX and FIT headers; ``extract`` runs unblob bounded (``containment`` keeps
its output inside the root); ``analyse`` turns the extracted tree into findings.
"""
