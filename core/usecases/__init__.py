"""The use cases: one function per action, an Act in and a Done out (core.usecases.base).

``cases``: the officials' actions on a case; ``evenings``: 七晚工作法.
"""
