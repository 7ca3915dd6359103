"""Frozen copy of the text coders before the speed work of issue 15 (main at 2ce2c6d).

Kept only so that tests/text/test_fast_equal.py and bench/bench_coding.py can prove the fast path
gives exactly the same codes and sentiment as the implementation it replaced, and measure the
speed-up in the same run. Not part of cxlib; do not import it from library code.
"""
