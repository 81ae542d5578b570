"""The documents that the non-technical outcomes call for, generated from one source of truth.

One product-support record (:mod:`iotprofile.documents.support`) beside the product model holds each fact once
(support period, update policy, contacts, disclosure timelines, end of support, disposal and data deletion);
one module per generator turns it, the product, its SBOM and its advisories into security.txt (RFC 9116), a
vulnerability disclosure policy and handling procedure (ISO/IEC 29147, 30111), CSAF 2.0 advisories, the support
statements (ETSI EN 303 645 provision 5.3-13), the UK PSTI statement of compliance, a Cyber Trust Mark registry
record (CTA-2120), the customer security guide and the Documentation 1a-1g package. :mod:`.coverage` says which
non-technical sub-outcomes each document serves.
"""
