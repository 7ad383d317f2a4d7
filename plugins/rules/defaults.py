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


# ---------------------------------------------------------------------------
# scored evidence (issue 18). Written for residents' groups: what a stranger
# selling something or a scammer writes, not what neighbours say to each other.
# Each signal counts once with its weight, and each further word of the same
# signal adds half the weight again (at most twice the weight in all, or
# ``most``); the sum
# is compared with the thresholds (``score.act``, ``score.report``). Negative
# weights are warnings about ads or fraud ("谨防…", "是骗子"), which neighbours
# post and scammers do not.
# ---------------------------------------------------------------------------

# ads: "contact" (WeChat id, phone, QQ number — found by patterns, these words
# are extra handles) and "link" (a link whose host is not whitelisted) are
# built in; the others are word lists.
DEFAULT_AD_SIGNALS: dict[str, dict[str, object]] = {
    "contact": {
        "weight": 2.0,
        "most": 2.0,
        "words": ["加微信", "加我微信", "微信同号", "v同号"],
    },
    "link": {"weight": 3.5},
    "suspicious_host": {"weight": 2.0},
    "cta": {
        "weight": 1.5,
        "words": [
            "详询", "咨询热线", "热线", "欢迎来电", "欢迎致电", "来电咨询", "电话咨询",
            "欢迎咨询", "加我", "扫码", "扫一扫", "点击", "私聊", "私信", "私我",
            "联系我", "预约", "报名", "到店", "进店", "速来", "抢购", "先到先得",
            "名额有限", "下单", "订购", "详情请", "欢迎选购", "服务热线", "免费咨询",
            "免费上门", "上门服务", "欢迎订购", "欢迎垂询", "垂询",
            "来电洽谈", "欢迎洽谈", "上门洽谈", "有意者", "欢迎参观", "欢迎光临",
            "光临", "欲购从速", "欲报从速", "从速", "详情咨询", "详情致电", "拨打",
        ],
    },
    "promo": {
        "weight": 1.5,
        "words": [
            "特惠", "优惠", "折扣", "打折", "折起", "re:[0-9一二三四五六七八九]{1,2}折",
            "限时", "免费领", "免费送", "免费试", "返现", "特价", "低价", "低至",
            "秒杀", "包邮", "赠送", "买一送一", "满减", "re:满[0-9]{2,5}减",
            "大酬宾", "活动价", "促销", "清仓", "让利", "钜惠", "巨惠", "开业",
            "周年庆", "立减", "超值", "尊享", "优惠券", "原价", "现价", "仅需",
            "re:只要[0-9]", "送礼", "礼品",
            "送完即止", "数量有限", "超低价", "最低价", "亏本", "甩卖", "大促", "好礼",
            "豪礼", "双倍积分", "免费设计", "免费量房", "免佣", "团购价", "折后",
            "放价",
        ],
    },
    "trade": {
        "weight": 1.0,
        "words": [
            "装修", "装饰公司", "贷款", "代购", "保险", "理财", "开盘", "首付",
            "楼盘", "售楼", "置业顾问", "房源", "商铺", "学区房", "招生", "培训",
            "辅导班", "补习", "早教", "健身", "美容", "美甲", "瘦身", "加盟", "货源",
            "批发", "厂家", "直销", "家政", "开锁", "搬家", "回收", "二手车", "车险",
            "信用卡", "办卡", "套餐", "流量卡", "净水器", "保健品", "微商", "专卖",
            "专柜", "门店", "品牌", "户型", "现房", "精装", "均价", "在售", "热销",
            "小班", "一对一", "试听", "学员", "课程", "新品", "正品", "厂价", "定制",
            "一条龙", "质保", "话费", "营业厅", "酒店", "餐厅", "订餐", "办证", "学历",
            "文凭",
            "招聘", "高薪", "底薪", "提成", "驾校", "保过", "建材", "橱柜", "瓷砖",
            "地板", "样板房", "看房", "旺铺", "信贷", "信用贷", "娱乐城", "博彩",
            "下注", "彩金",
        ],
    },
    # a business speaking of itself or to its customers (not to neighbours)
    "merchant": {
        "weight": 1.5,
        "words": [
            "本店", "本公司", "我公司", "我司", "本中心", "我店", "竭诚", "为您提供",
            "期待您的", "恭候", "敬请", "尊敬的客户", "尊敬的会员", "亲爱的会员",
            "尊敬的用户", "贵宾", "vip客户", "会员卡", "欢迎新老",
            "诚邀", "本机构", "专业从事", "主营", "承接", "代办", "我们专业",
            "欢迎惠顾", "惠顾",
            "新老顾客", "新老客户", "顾客", "有限公司", "营销中心", "售楼处",
            "感谢您的",
        ],
    },
    # an event or a deadline to hurry customers in
    "event": {
        "weight": 1.0,
        "words": [
            "即日起", "活动时间", "活动期间", "火爆", "盛大开业", "全场", "惊喜",
            "机会难得", "不容错过", "仅限", "限量", "最后几天", "抢先", "提前预订",
            "好消息", "即将结束", "截止日期", "倒计时", "新春", "开课",
        ],
    },
    # a neighbour speaking of their own home and things: giving away what is
    # left over, asking for a recommendation
    "neighbour": {
        "weight": -1.5,
        "words": [
            "邻居", "我家", "我们家", "自家", "家里", "楼上", "楼下", "对门", "闲置",
            "自用", "用不上", "用不完", "搬家剩", "求推荐", "谁知道", "有人知道",
        ],
    },
    "caution": {
        "weight": -4.0,
        "words": [
            "谨防", "警惕", "小心上当", "提醒大家", "提醒各位", "不要相信", "别相信",
            "别信", "是骗子", "是诈骗", "防骗", "上当受骗", "千万不要", "切勿",
            "注意防范", "广告别理", "不要理", "举报",
        ],
    },
}  # fmt: skip

# fraud: the signals that name who the scammer pretends to be carry a
# "scheme" (what the group warning says: 冒充公检法, 冒充客服…); "money" is what
# every script ends with (transfer, codes, apps), "pressure" its urgency.
DEFAULT_FRAUD_SIGNALS: dict[str, dict[str, object]] = {
    "police": {
        "weight": 2.0,
        "most": 2.0,
        "scheme": "police",
        "words": [
            "公安局", "派出所", "民警", "警官", "检察院", "检察官", "法院", "公检法",
            "刑警", "网警", "反诈中心", "通缉令", "逮捕令", "传票", "案件编号",
            "您涉嫌", "你涉嫌", "涉嫌洗钱", "配合调查", "资金清查", "资金核查",
            "您名下", "你名下",
        ],
    },
    "service": {
        "weight": 1.5,
        "scheme": "service",
        "words": [
            "客服", "售后", "快递丢失", "快递丢了", "理赔", "退款", "退货",
            "自动续费", "取消会员", "百万保障", "扣费", "影响征信", "征信受影响",
            "关闭服务",
        ],
    },
    "boss": {
        "weight": 1.5,
        "scheme": "boss",
        "words": [
            "我是你领导", "我是你老板", "领导让", "老板让", "re:我是[一-龥]{1,2}总",
            "换新号", "新微信号", "加我新", "这是我新号", "在开会", "不方便接电话",
            "先帮我", "垫付一下",
        ],
    },
    "property": {
        "weight": 1.5,
        "scheme": "property",
        "words": [
            "物业费", "物业管理费", "物业财务", "物业收费", "水电费", "燃气费",
            "暖气费", "供暖费", "停车费", "滞纳金", "停水停电", "缴费通知",
            "欠费", "逾期未缴",
        ],
    },
    "prize": {
        "weight": 1.5,
        "scheme": "prize",
        "words": [
            "中奖", "抽中", "幸运用户", "大奖", "领奖", "奖品", "免费领取",
            "积分兑换", "积分清零", "领取补贴", "补贴", "退税", "红包",
        ],
    },
    "invest": {
        "weight": 1.5,
        "scheme": "invest",
        "words": [
            "稳赚", "高收益", "高回报", "收益率", "回报率", "带单", "老师带",
            "导师", "内幕", "荐股", "牛股", "股票群", "炒股群", "投资群", "数字货币",
            "虚拟币", "usdt", "比特币", "翻倍", "保本", "养老项目", "原始股",
        ],
    },
    "task": {
        "weight": 1.5,
        "scheme": "task",
        "words": [
            "刷单", "做任务", "点赞关注", "关注点赞", "垫付", "返佣", "佣金", "日结",
            "兼职", "足不出户", "在家就能", "动动手指", "宝妈",
        ],
    },
    "loan": {
        "weight": 1.5,
        "scheme": "loan",
        "words": [
            "无抵押", "免抵押", "秒到账", "放款", "下款", "额度", "征信", "解冻金",
            "刷流水", "注销账户", "学生贷", "网贷", "贷款",
        ],
    },
    "money": {
        "weight": 2.0,
        "words": [
            "安全账户", "转账", "转到", "汇款", "打款", "验证码", "下载app",
            "下载软件", "屏幕共享", "共享屏幕", "冻结", "洗钱", "解冻",
            "保证金", "手续费", "激活费", "银行卡号", "密码", "个人信息",
            "身份证照片", "会议软件", "腾讯会议", "zoom",
        ],
    },
    "pressure": {
        "weight": 1.0,
        "words": [
            "立即", "马上", "尽快", "否则", "以免影响", "不要告诉", "保密",
            "24小时内", "今天之内", "过期作废", "最后一天",
        ],
    },
    "caution": {
        "weight": -4.0,
        "words": [
            "谨防", "警惕", "小心上当", "提醒大家", "提醒各位", "不要相信", "别相信",
            "别信", "是骗子", "是诈骗", "防骗", "上当受骗", "千万不要", "切勿",
            "注意防范", "不要转账", "别转账", "反诈提醒", "防诈",
        ],
    },
}  # fmt: skip

# what the fraud warning says the scam impersonates, by scheme
FRAUD_SCHEMES: tuple[str, ...] = (
    "police", "service", "boss", "property", "prize", "invest", "task", "loan",
)  # fmt: skip

# link hosts that weigh more than a link (signal "suspicious_host"): short-link
# services that hide where a link goes, and top-level domains sold for a few
# cents that shops and scams use; an IP address instead of a name counts too
DEFAULT_SUSPICIOUS_HOSTS: tuple[str, ...] = (
    "t.cn", "url.cn", "dwz.cn", "suo.im", "bit.ly", "tinyurl.com", "t.me",
    "*.top", "*.xyz", "*.vip", "*.icu", "*.cyou", "*.buzz", "*.club", "*.shop",
    "*.site", "*.online", "*.wang", "*.ltd", "*.tk", "*.cc",
)  # fmt: skip
