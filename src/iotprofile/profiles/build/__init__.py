"""Deriving a profile from standards, the way NIST derived the consumer-grade router profile (IR 8425A).

One module per step of the seed slides' process: Group, Define, Consolidate, Expand and Tailor, run together by
:mod:`.pipeline`.
"""
