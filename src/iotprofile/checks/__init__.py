"""Automated checks: plugins that turn an SBOM, a firmware image or a live device into typed evidence.

``interface`` is the contract; ``sbom``, ``firmware`` and ``device`` are the bundled checks; ``runner`` plans and
runs attempts locally or on a Dask cluster; ``registry`` finds checks (bundled and third-party entry points).
"""
