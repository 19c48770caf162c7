"""Mixed-integer programs solved by HiGHS through highspy, with the settings every program
of the solver shares: one thread, a fixed random seed, a node limit (deterministic) and a time
limit (a safety net), and an optional starting answer that HiGHS completes and improves on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(slots=True)
class MilpResult:
    x: np.ndarray | None  # the column values, None when no feasible answer was found
    proved: bool  # proved optimal within the gap asked for
    gap: float  # relative gap between the answer and the bound when stopped


def solve_milp(
    cost,
    integrality,
    lower,
    upper,
    matrix,
    row_lb,
    row_ub,
    *,
    time_limit: float,
    gap: float = 1e-6,
    node_limit: int | None = None,
    start: tuple[np.ndarray, np.ndarray] | np.ndarray | None = None,
    options: dict | None = None,
) -> MilpResult:
    """Minimise `cost @ x` subject to `row_lb <= matrix @ x <= row_ub` and the column bounds
    (`integrality` true for integer columns). `start` is a full answer or (columns, values)
    for some of the columns; `options` are further HiGHS options."""
    import highspy

    inf = highspy.kHighsInf
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("threads", 1)
    highs.setOptionValue("random_seed", 0)
    highs.setOptionValue("time_limit", float(time_limit))
    highs.setOptionValue("mip_rel_gap", float(gap))
    if node_limit is not None:
        highs.setOptionValue("mip_max_nodes", int(node_limit))
    for name, value in (options or {}).items():
        highs.setOptionValue(name, value)
    upper = np.asarray(upper, float)
    row_lb, row_ub = np.asarray(row_lb, float), np.asarray(row_ub, float)
    csc = matrix.tocsc()
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = len(cost), csc.shape[0]
    lp.col_cost_ = np.asarray(cost, float)
    lp.col_lower_ = np.asarray(lower, float)
    lp.col_upper_ = np.where(np.isinf(upper), inf, upper)
    lp.row_lower_ = np.where(np.isinf(row_lb), -inf, row_lb)
    lp.row_upper_ = np.where(np.isinf(row_ub), inf, row_ub)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = csc.indptr
    lp.a_matrix_.index_ = csc.indices
    lp.a_matrix_.value_ = csc.data
    lp.integrality_ = [
        highspy.HighsVarType.kInteger if v else highspy.HighsVarType.kContinuous
        for v in np.asarray(integrality).tolist()
    ]
    highs.passModel(lp)
    if isinstance(start, tuple):
        columns, values = start
        highs.setSolution(len(columns), np.asarray(columns, np.int32), np.asarray(values, float))
    elif start is not None:
        solution = highspy.HighsSolution()
        solution.col_value = list(np.asarray(start, float))
        solution.value_valid = True
        highs.setSolution(solution)
    highs.run()
    info = highs.getInfo()
    if info.primal_solution_status != 2:  # no feasible answer
        return MilpResult(x=None, proved=False, gap=float("inf"))
    proved = highs.getModelStatus() == highspy.HighsModelStatus.kOptimal
    return MilpResult(
        x=np.asarray(highs.getSolution().col_value),
        proved=bool(proved),
        gap=0.0 if proved else float(info.mip_gap),
    )
