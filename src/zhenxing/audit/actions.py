"""Every audit action, declared once with its Chinese label.

tests/audit/test_action_labels.py finds every action written anywhere in src (record calls,
Move(action=...), each audited workflow's `<prefix>.move`, record_many rows) and fails on one missing here,
so a new action cannot ship without the label the audit page shows. Codes stay in English in the database:
old rows keep their meaning, only the label lives in code.
"""

from __future__ import annotations

ACTION_LABELS: dict[str, str] = {
    # accounts
    "auth.login": "登录",
    "auth.logout": "退出登录",
    "user.create": "创建用户",
    "user.set_password": "设置密码",
    "user.deactivate": "停用用户",
    "apikey.create": "创建接口密钥",
    "apikey.revoke": "吊销接口密钥",
    "assignment.create": "指定帮扶责任人",
    "assignment.end": "结束帮扶指定",
    "admin.add": "后台新增",
    "admin.change": "后台修改",
    "admin.delete": "后台删除",
    # reference data and system jobs
    "calendar.load": "载入工作日历",
    "divisions.load": "载入行政区划",
    "data_key.rotate": "轮换数据密钥",
    "synth.generate": "生成模拟数据",
    "parameter.create": "新增政策参数",
    "parameter.revise": "修订政策参数",
    # registry
    "natural_village.create": "新增自然村",
    "household.create": "新增农户",
    "household.update": "修改农户",
    "household.import": "导入农户信息",
    "household.reveal_phone": "查看农户完整电话",
    "household_year.create": "录入年度收支",
    "household_year.update": "修改年度收支",
    "person.add": "新增家庭成员",
    "person.update": "修改家庭成员",
    "person.reveal_id": "查看完整身份证号",
    "person.reveal_phone": "查看成员完整电话",
    "membership.end": "家庭成员迁出",
    "registry.export": "导出农户台账",
    "id_conflict.open": "登记证件号码冲突",
    "id_conflict.resolve": "处理证件号码冲突",
    # feeds, screening, imports
    "feed.ingest": "接收部门数据",
    "feed.roster_supersede": "新名册替代旧名册",
    "screening.start": "发起筛查",
    "screening.run": "完成筛查",
    "screening.fail": "筛查失败",
    "lead.create": "生成预警线索",
    "lead.merge": "合并预警线索",
    "lead.confirm": "核实纳入",
    "lead.dismiss": "核实不纳入",
    "import.stage": "上传导入文件",
    "import.confirm": "确认导入",
    "import.reconfirm": "重新确认导入",
    "import.commit": "导入完成",
    "import.fail": "导入失败",
    "import.expire": "导入过期",
    "import.move": "导入批次状态变更",
    # monitoring
    "application.create": "群众自主申报",
    "application.reveal_id": "查看申请人完整证件号码",
    "application.reveal_phone": "查看申请人完整电话",
    "case.open": "发起识别",
    "case.reopen": "重新纳入监测",
    "case.link_household": "关联农户",
    "case.meeting": "记录民主评议",
    "case.green_channel": "开启绿色通道",
    "case.escalate": "超期提级",
    "case.move": "办理环节",
    "case.confirmed": "确定纳入监测",
    "case.rejected": "不予纳入",
    "case.consent": "农户知情同意",
    "case.eliminated": "审定风险消除",
    "visit.create": "入户走访",
    "attachment.create": "上传附件",
    "plan.create": "制定帮扶计划",
    "measure.create": "新增帮扶措施",
    "measure.detail": "细化帮扶措施",
    "measure.move": "帮扶措施状态变更",
    "measure.close_at_elimination": "风险消除时结束措施",
    "person_item.create": "新增到人帮扶事项",
    "evaluation.create": "成效评估",
    "notice.create": "拟定公示",
    "notice.post": "发布公示",
    "objection.create": "登记异议",
    "objection.resolve": "处理异议",
    "housing.open": "纳入住房安全台账",
    "housing.close": "住房安全台账销号",
    "trace.export": "导出责任追溯",
    "lowincome.start": "发起民政比对",
    "lowincome.compare": "民政低收入人口比对",
    "lowincome.outcome": "民政比对核实结果",
    "lowincome.export": "导出民政比对核实结果",
    # the project library workbook (projects/workbook.py, projects/imports.py)
    "project.export": "导出项目库表格",
    "project.import": "从项目库表格导入项目",
    "project_import.stage": "上传项目库表格",
    "project_import.commit": "项目库表格导入完成",
    # the project library (P14): proposal, the declared steps, 州审定 batches, 州级备案, adjustment, attachments
    "project.propose": "申报项目",
    "project.move": "项目审核环节",
    "project.progress": "项目实施进度",
    "project.decide": "项目审定入库",
    "project.return": "退回项目",
    "project.cancel": "撤销项目申报",
    "project.withdraw": "项目出库",
    "project.terminate": "项目终止",
    "project.superseded": "项目被调整版本替代",
    "project.adjust": "项目调整",
    "project.revise": "修改退回的项目",
    "project.batch_decide": "州领导小组批次审定",
    "project.file": "应急项目州级备案",
    "project.attachment": "上传项目附件",
    # project announcements (P14 公告公示)
    "project_notice.create": "拟定项目公示",
    "project_notice.post": "张贴项目公示",
    "project_objection.record": "登记项目异议或咨询",
    "project_objection.submit": "群众在村务公开页提出异议或咨询",
    "project_objection.answer": "答复项目异议或咨询",
    # linkage funds (P14): documents and their lines, splits, payments and reversals, releases at 出库/终止
    "fund.allocation_create": "录入资金下达文件",
    "fund.line_add": "增加资金指标",
    "fund.split_create": "分配资金到项目",
    "fund.split_propose": "提出资金分配建议",
    "fund.split_confirm": "财政确认资金分配",
    "fund.split_refuse": "财政退回资金分配建议",
    "fund.pay": "录入资金支付",
    "fund.reverse": "冲销资金支付",
    "fund.release": "项目出库或终止时退回、收回资金",
    "fund.export": "导出资金表格",
    "fund.import": "导入资金台账",
    "fund.evaluate": "衔接资金绩效评价",
}


def action_label(code: str) -> str:
    """The Chinese label; an old row whose action left the registry shows its code rather than nothing."""
    return ACTION_LABELS.get(code, code)


def action_choices() -> list[tuple[str, str]]:
    """For the filter: grouped order as declared, an empty choice first."""
    return [("", "全部"), *ACTION_LABELS.items()]
