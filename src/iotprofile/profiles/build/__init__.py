"""Deriving a profile from standards.

The Ingest, Define, Group, Consolidate, Expand and Tailor steps NIST used for the consumer-grade router profile
(NIST IR 8425A; seed slides), each a module here, run together by :mod:`.pipeline`.
"""
