"""The optimisation room: formulations apart from problems (GasModels' split).

* :mod:`~linepack.optimization.formulation` — one description of the network's equations and
  limits, built from :class:`linepack.problems.model.NetworkModel`;
* :mod:`~linepack.optimization.nlp` — the exact programme for fixed discrete states (IPOPT);
* :mod:`~linepack.optimization.minlp` — the discrete decisions (SCIP): the exact MINLP with
  frozen coefficients and the relaxation that proves infeasibility.

The problems built on them (:func:`linepack.validate_nomination`,
:func:`linepack.optimize_operation`) live in :mod:`linepack.problems`.
"""
