"""The catalogue of everything the product says to a person, by audience (issue 33).

- ``citizens``: what a petitioner is told — the conversation's questions and answers, the notices
  about their case. Its answers are :class:`core.words.said.Said` values: words that carry the key
  of their template and the values they were made from.
- ``officials``: what cadres, the bureau's staff and leaders are told — ``NOTICES`` (a use case's
  notice by its purpose), ``REPLIES`` (a command's answer by its verb).
- ``said``: the :class:`Said` value itself.

The words live in ``core`` so that every layer can say something without writing it: a use case
or a sweep names a key and its values, the handlers, the outbox and the console render them.
Registered SMS templates for a template-only provider (Tencent Cloud SMS) are in
``handlers.templates``, each keyed as its sentence here. tests/test_words.py counts the sentences
still written outside this package, module by module, and holds each count to where it is now.
"""
