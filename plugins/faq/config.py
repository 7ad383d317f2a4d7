"""The ``faq:`` section of the admin's YAML file (documented in
config/linli.yaml (section `faq:`))."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from plugins.core import Section, compact, register_section

from .matcher import parse_hours, parse_keyword

QUESTION_WORDS = [
    "?", "吗", "么", "嘛", "呢", "伐", "怎么", "怎样", "如何", "咋", "几点", "几号",
    "几时", "何时", "多少", "多久", "哪", "什么", "啥", "谁", "为什么", "为啥",
    "能不能", "能否", "可否", "可不可以", "可以吗", "是否", "请问", "有没有",
    "是不是", "了没", "想问", "想知道", "咨询", "求", "发一下", "发下", "告诉我",
    "what", "when", "where", "which", "how do", "how can", "how much", "how to",
    "who do", "who is", "can i", "is there", "are there",
]  # fmt: skip
IGNORE_WORDS = [
    "请问一下", "请问", "问一下", "问下", "想问", "你好", "您好", "大家好", "各位",
    "麻烦", "谢谢", "一下", "咱们", "我们", "小区", "的", "啊", "呀", "呢", "吧",
    "哈", "了", "求", "急", "求助", "发一下", "发下", "帮忙", "告诉我", "请教",
    "邻居们", "亲们", "大神",
]  # fmt: skip
# 居民的说法，每组第一个词代表整组 / residents' words: each group's first word
# stands for the group on both sides (the message and the entries' questions)
SYNONYMS = [
    ["时间", "几点", "什么时候", "啥时候", "何时", "几时", "多会儿", "时候"],
    ["哪里", "哪", "哪儿", "在哪", "在哪里", "在哪儿", "去哪", "去哪里", "什么地方",
     "啥地方", "哪边", "位置", "地址"],
    ["怎么", "怎样", "怎么样", "如何", "咋", "咋样", "怎么弄", "怎么搞", "怎样才能",
     "怎么才能", "如何才能", "咋弄", "咋整"],
    ["怎么办", "咋办", "怎么处理", "如何处理", "怎么解决"],
    ["为什么", "为啥", "怎么回事", "咋回事"],
    ["多少钱", "价格", "价钱", "费用", "收费", "几块钱", "多少费用", "收多少", "啥价",
     "收钱", "收费标准"],
    ["多久", "多长时间", "多少天", "几天"],
    ["能", "可以", "能否", "能不能", "可不可以", "可否", "行不行", "允许"],
    ["吗", "么", "嘛", "伐"],
    ["谁", "哪位", "什么人"],
    ["电梯", "升降梯", "直梯", "客梯"],
    ["物业", "管理处", "服务中心", "物业公司", "物业服务中心", "物业中心", "物管",
     "物业办公室"],
    ["交", "缴", "付", "缴纳", "交纳", "支付", "付款"],
    ["缴费", "交费", "付费"],
    ["门禁卡", "门卡", "门禁", "出入卡"],
    ["电动车", "电瓶车", "电驴", "小电驴", "电单车", "电摩"],
    ["自行车", "单车"],
    ["停车场", "车库", "地库", "地下车库", "地下停车场"],
    ["车位", "停车位"],
    ["快递", "包裹", "快件"],
    ["快递柜", "丰巢", "丰巢柜", "智能柜"],
    ["驿站", "菜鸟驿站", "快递驿站", "快递站", "快递点"],
    ["电话", "号码", "联系方式", "电话号码", "手机号", "联系电话", "联系"],
    ["开门", "开放", "营业", "开业"],
    ["关门", "关闭", "打烊"],
    ["扔", "丢", "倒", "投放"],
    ["维修", "修理", "修"],
    ["坏了", "坏", "坏掉", "故障", "出问题", "出毛病", "失灵", "不好使", "不能用",
     "用不了"],
    ["漏水", "渗水", "滴水"],
    ["停水", "断水", "没水"],
    ["停电", "断电", "没电"],
    ["燃气", "煤气", "天然气"],
    ["物业费", "管理费", "物管费"],
    ["预约", "预订", "预定", "订场"],
    ["办理", "办", "申请"],
    ["丢了", "丢失", "遗失", "弄丢", "弄丢了", "掉了"],
    ["补办", "重办", "补卡"],
    ["续费", "续交", "续缴", "续期"],
    ["月卡", "月租", "包月", "月租卡"],
    ["健身房", "健身室", "健身馆"],
    ["游泳池", "泳池", "游泳馆"],
    ["儿童乐园", "游乐场", "儿童游乐区"],
    ["业委会", "业主委员会"],
    ["保安", "门卫", "门岗", "安保"],
    ["保洁", "保洁员", "清洁工"],
    ["楼道", "楼梯间", "过道"],
    ["装修", "装潢"],
    ["押金", "保证金"],
    ["充电桩", "充电站", "充电点"],
    ["暖气", "供暖", "采暖"],
    ["访客", "来访", "外来人员"],
    ["小孩", "孩子", "小朋友"],
    ["临停", "临时停车", "临时停放"],
    ["登记", "备案", "报备"],
    ["手续", "流程", "步骤"],
    ["寄存", "保管", "存放"],
    ["宠物", "狗", "猫", "狗狗", "猫咪"],
    ["阅览室", "图书室", "书屋", "图书馆"],
    ["自提点", "提货点", "取货点"],
    ["外卖员", "外卖小哥", "骑手", "送餐员"],
    ["漏气", "泄漏", "泄露"],
]  # fmt: skip
# 分词时保持完整的词（设施、地点名称）/ words the segmenter keeps whole
WORDS = [
    "会所", "物业", "羽毛球场", "篮球场", "网球场", "乒乓球室", "活动室", "阅览室",
    "架空层", "地下室", "楼道", "单元门", "大门", "北门", "南门", "东门", "西门",
    "门岗", "岗亭", "垃圾房", "垃圾桶", "分类亭", "车棚", "自行车棚", "非机动车",
    "充电桩", "快递柜", "驿站", "月卡", "临停", "车位", "访客", "门禁卡", "人脸识别",
    "电梯", "楼栋", "水电费", "燃气费", "物业费", "停车费", "维修基金", "业委会",
    "居委会", "装修", "押金", "电瓶车", "电驴", "开水房", "晾衣", "宠物", "遛狗",
]  # fmt: skip
FAULT_WORDS = [
    "坏了", "故障", "漏水", "渗水", "不亮", "不通", "堵了", "堵住", "堵塞", "没电",
    "跳闸", "没水", "爆管", "打不开", "关不上", "不能用", "用不了", "卡住", "困人",
    "异响", "冒烟",
]  # fmt: skip
_ID = re.compile(r"^[^\s|+]{1,32}$")


class EntryConfig(BaseModel):
    """One question and its answer."""

    model_config = ConfigDict(extra="forbid")
    id: str | None = None
    questions: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    answer: str = Field(min_length=1)
    mode: Literal["exact", "contains", "regex", "fuzzy"] = "fuzzy"
    groups: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    active_hours: list[str] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _id(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = str(value).strip()
        if not _ID.match(value) or value.isdigit():
            raise ValueError(
                "an id is a short name without spaces, not only digits "
                "(numbers are for entries taught in chat), e.g. 物业电话"
            )
        return value

    @field_validator("active_hours")
    @classmethod
    def _hours(cls, value: list[str]) -> list[str]:
        for item in value:
            parse_hours(item)
        return value

    @field_validator("keywords")
    @classmethod
    def _keywords(cls, value: list[str]) -> list[str]:
        for item in value:
            if not parse_keyword(item):
                raise ValueError(f"empty keyword {item!r}")
        return value

    @model_validator(mode="after")
    def _mode(self) -> EntryConfig:
        if not self.questions and not self.keywords:
            raise ValueError("an entry needs questions or keywords")
        if self.mode in ("exact", "regex") and self.keywords:
            raise ValueError(
                f"mode {self.mode} uses only `questions`; keywords need mode "
                "contains or fuzzy"
            )
        if self.mode in ("exact", "regex") and not self.questions:
            raise ValueError(f"mode {self.mode} needs `questions`")
        if self.mode == "regex":
            for pattern in self.questions:
                try:
                    re.compile(pattern)
                except re.error as exc:
                    raise ValueError(
                        f"not a valid regular expression {pattern!r}: {exc}"
                    ) from None
        return self


class FaqConfig(Section):
    # how sure linli must be (0-1) to answer at once, and to offer suggestions
    answer_threshold: float = Field(0.82, gt=0, le=1)
    suggest_threshold: float = Field(0.6, gt=0, le=1)
    suggest_count: int = Field(3, ge=1, le=9)
    suggest_expire_seconds: float = Field(120, gt=0)
    statement_penalty: float = Field(0.1, ge=0, le=1)
    # the same entry is not answered twice in one group within this time
    cooldown_seconds: float = Field(60, ge=0)
    cooldown_reply: Literal["pointer", "silent"] = "pointer"
    # at most user_limit replies to one member per user_window_seconds
    user_limit: int = Field(5, ge=1)
    user_window_seconds: float = Field(60, gt=0)
    group_roles: list[Literal["residents", "staff", "notice"]] = Field(
        default_factory=lambda: ["residents"]
    )
    private: bool = True
    max_length: int = Field(200, ge=1)
    question_words: list[str] = Field(default_factory=lambda: list(QUESTION_WORDS))
    ignore_words: list[str] = Field(default_factory=lambda: list(IGNORE_WORDS))
    synonyms: list[list[str]] = Field(
        default_factory=lambda: [list(g) for g in SYNONYMS]
    )
    words: list[str] = Field(default_factory=lambda: list(WORDS))
    fault_words: list[str] = Field(default_factory=lambda: list(FAULT_WORDS))
    fault_hint: str = ""
    fault_hint_cooldown_seconds: float = Field(600, ge=0)
    unknown_reply: bool = True
    record_unanswered: bool = True
    unanswered_days: int = Field(30, ge=1)
    # a phrasing picked from the suggestions by this many different members
    # becomes a question of the picked entry (0: never learn from picks)
    learn_after_picks: int = Field(2, ge=0)
    taught_scope: Literal["all", "group"] = "all"
    refresh_seconds: float = Field(30, gt=0)
    entries: list[EntryConfig] = Field(default_factory=list)

    @field_validator("synonyms")
    @classmethod
    def _synonyms(cls, value: list[list[str]]) -> list[list[str]]:
        owner: dict[str, int] = {}
        for number, group in enumerate(value, 1):
            forms = [compact(str(w)) for w in group]
            if len([f for f in forms if f]) < 2:
                raise ValueError(
                    f"synonym group {number} {group!r} needs at least two words, "
                    "e.g. [电梯, 升降梯]"
                )
            for word, form in zip(group, forms, strict=True):
                if not form:
                    raise ValueError(f"synonym group {number} has an empty word")
                if owner.get(form, number) != number:
                    raise ValueError(
                        f"{word!r} is in synonym groups {owner[form]} and {number}; "
                        "a word may be in one group only"
                    )
                owner[form] = number
        return value

    @model_validator(mode="after")
    def _consistent(self) -> FaqConfig:
        if self.suggest_threshold > self.answer_threshold:
            raise ValueError("suggest_threshold must not be above answer_threshold")
        seen: set[str] = set()
        for key in entry_keys(self):
            if key in seen:
                raise ValueError(f"two entries have the id {key!r}")
            seen.add(key)
        return self


def entry_keys(section: FaqConfig) -> list[str]:
    """Each YAML entry's id: its ``id``, or ``Y<position>`` (Y1, Y2 …)."""
    return [e.id or f"Y{n}" for n, e in enumerate(section.entries, 1)]


register_section("faq", FaqConfig)
