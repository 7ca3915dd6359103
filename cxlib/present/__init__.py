"""Presentation: charts, tables and plain-language findings drawn from analysis results.

Nothing here computes a statistic: ``charts`` draws tidy data, ``tables`` formats and escapes
them, ``narrative`` turns results into sentences, cards and actions.
"""
