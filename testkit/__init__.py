"""What the tests, the benchmarks and the scripts share: the archive generator (every era in the
exact real file formats, with its ground truth), the fuzz corpus of damaged archives, the
precision sets and the exhaustive pair scoring clustering is measured against.

A package of its own (not ``tests.*``) so that ``bench/`` and ``scripts/`` import it as they
import archivelens; it is not part of the app (the installer bundles ``archivelens`` only).
"""
