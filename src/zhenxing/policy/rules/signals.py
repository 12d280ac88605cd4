"""P10 department signals that restate no P6 definition: what in a department's records raises a lead by
itself. The values are the default rule set's (screening/default_rules.py reads them from here); the codes
are those of the department feeds (feeds/adapters.py)."""

from __future__ import annotations

# 应急管理: a disaster loss of 10,000 yuan or more (or a damaged house) is an 橙 lead of type 因自然灾害
DISASTER_LOSS_SIGNAL_FEN = 1_000_000
# 卫健: registered in the serious-illness registry (病种类别 大病, not 慢病)
SERIOUS_ILLNESS_REGISTRY = "大病"
# 人社: registered unemployed (或 the 登记失业 flag)
UNEMPLOYED = "失业"
# 民政: newly in the safety net (纳入低保或特困供养, P7 综合保障); 临时救助 alone is not a signal
SAFETY_NET = ("低保", "特困")
# 公安: the events that take a person out of the household (R11 asks whether the household still has labour)
DEPARTURES = ("死亡", "迁出")
