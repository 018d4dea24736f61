"""The catalogue of everything the product says to a person, by audience (issue 33).

- ``citizens``: what a petitioner is told — the conversation's questions and answers, the notices
  about their case. Its answers are :class:`core.words.said.Said` values: words that carry the key
  of their template and the values they were made from.
- ``officials``: what cadres, the bureau's staff and leaders are told — ``NOTICES`` (a use case's
  notice by its purpose), ``REPLIES`` (a command's answer by its verb).
- ``refusals``: every refusal core raises (a code and its values), as the sentence said to the
  person who asked.
- ``jobs``: the words of the texts the scheduled jobs write (the sweeps, 七晚's reminders, 回访,
  批示督办, 日排查, the failed messages) with their template words, and the case's history lines
  of 批示, 延期, 重复反映, 预警 and the 月考评's notes.
- ``evenings``: 七晚's history lines, why an evening does not count, how a plan stands tonight.
- ``reports``: the reports' words — the daily 访情 and 详情, the weekly and monthly analyses, the
  measures, the 月考评, 七晚's figures, the 台账 exports' and the county file's lines.
- ``console``: the staff console's flash messages, its forms' refusals, the case file's deadline
  basis and the two texts it sends (the sign-in and WeChat binding codes).
- ``lengths``: the operator's words of ``xinfang sms-templates --county`` (Tencent's variable length).
- ``templates``: the registered SMS templates of a template-only provider (Tencent Cloud SMS),
  each keyed as its sentence, with the carriers' rules and the parameters from the same values.
- ``said``: the :class:`Said` value itself.
- ``reach``: what staff and the operator read about reaching a citizen (a notice to send again,
  WeChat without a template).

The words live in ``core`` so that every layer can say something without writing it: a use case
or a sweep names a key and its values, the handlers, the outbox and the console render them.
tests/test_words.py counts the sentences still written outside this package, module by module,
and holds each count to where it is now.
"""
