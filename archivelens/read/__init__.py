"""The read API: what the app shows and the files export, from one place.

- :mod:`~archivelens.read.prepared` — the derived state a snapshot's readers need (promotional
  classification, duplicate clusters), prepared on purpose, once, with its fingerprint.
- :mod:`~archivelens.read.tables` — the rows of each table a view shows and a file exports
  (``tweets.csv`` is what a Tweets view lists, in its order): the CSV set, the workbook and the
  app's "export this view" all take their SQL from here.

Between ``export`` (which only writes files) and ``analysis`` in the layers.
"""
