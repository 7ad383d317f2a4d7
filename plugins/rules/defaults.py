"""The default lists: realistic for a residents' group, and quiet on ordinary talk.

Entries are matched on the compacted text (no spaces, punctuation or symbols;
full-width, case, zero-width characters and traditional characters folded), so
``加 V 信`` and ``加v信`` are one. ``*`` stands for a few characters
(``wildcard_gap``), ``re:`` starts a regular expression. Words that ordinary
neighbours use innocently (赌博 when reporting gamblers, 代购 when helping the
elderly, 拼多多 as a shop, 他妈的 which also means "his mother's") are left out
on purpose; tests/rules/corpus_ordinary.txt checks that.
"""

from __future__ import annotations

# abuse, pornography, gambling, drugs (rule "words", 1 strike)
DEFAULT_BANNED_WORDS: tuple[str, ...] = (
    "傻逼", "傻b", "煞笔", "沙比", "脑残", "操你妈", "操你大爷", "草泥马", "妈了个逼",
    "狗日的", "王八蛋", "贱人", "婊子", "死全家", "你妈死了", "去死吧", "cnm", "nmsl",
    "sb", "约炮", "裸聊", "一夜情", "援交", "黄色网站", "成人视频", "色情直播",
    "网赌", "博彩", "百家乐", "六合彩", "时时彩", "赌博网站", "线上赌场",
    "冰毒", "海洛因", "摇头丸",
)  # fmt: skip

# advertising phrases (rule "ads", 1 strike); links, cards and invitations are
# found by the ads detector itself
DEFAULT_AD_WORDS: tuple[str, ...] = (
    "砍一刀", "帮我砍价", "帮忙砍价", "拼多多*助力", "助力*砍价",
    "招代理", "诚招代理", "代理加盟", "招商加盟", "做微商", "微商代理", "一手货源",
    "厂家直销*加",
    "扫码领取", "扫码进群", "扫码加群", "进群领", "加群领", "点击链接领取",
    "加vx", "加v信", "薇信", "威信号", "v信号", "加薇",
    "代开发票", "代开*发票", "办假证", "刻章办证",
    "re:加(?:v|vx|薇|威)信?号?[a-z][a-z0-9]{5,19}",
)  # fmt: skip

# fraud (rule "fraud", 3 strikes: removed at once)
DEFAULT_FRAUD_WORDS: tuple[str, ...] = (
    "刷单返利", "兼职刷单", "刷单兼职", "刷单*佣金", "网络刷单", "刷信誉", "点赞*日结",
    "兼职*日结", "日结工资", "日赚", "月入过万", "躺赚",
    "无抵押贷款", "低息贷款", "秒批贷款", "秒下款", "征信修复", "洗白征信",
    "信用卡套现", "信用卡提额", "代办信用卡", "裸贷",
    "稳赚不赔", "保本高收益", "高回报投资", "带你炒股", "荐股", "虚拟币投资", "usdt",
    "恭喜*中奖*领取", "免费领鸡蛋", "免费领*鸡蛋", "以房养老*投资",
    "快递*理赔*加", "社保卡*冻结*点击", "etc*认证*链接",
)  # fmt: skip

# links to these domains (and their subdomains) are fine
DEFAULT_WHITELIST_DOMAINS: tuple[str, ...] = ("gov.cn",)

# share cards whose content mentions one of these are fine (the sign-up and
# form tools the seeds' property managers use)
DEFAULT_CARD_WHITELIST: tuple[str, ...] = (
    "群接龙", "接龙管家", "腾讯文档", "问卷星", "金数据", "群报数",
)  # fmt: skip

# during quiet hours these mean it is urgent (no reminder)
DEFAULT_URGENT_WORDS: tuple[str, ...] = (
    "紧急", "急", "救命", "着火", "火灾", "冒烟", "漏水", "跑水", "爆管", "淹",
    "停电", "停水", "燃气", "煤气", "电梯困人", "困在电梯", "报警", "小偷", "有贼",
    "摔倒", "晕倒", "120", "110", "119",
)  # fmt: skip
