"""Pulling who / where / what out of free text: "我是下汤镇的张三，小区水泵坏了三天没水".

Pure functions over the text and a :class:`core.directory.places.Gazetteer`; no database.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from core.cases import threats
from core.phones import ID_NUMBER, MOBILE_IN_TEXT, find_mobile
from core.directory.places import Gazetteer, PlaceMatch

HAN = r"\u4e00-\u9fff"
NAME_CHARS = rf"[{HAN}·]"
CLAUSE_SPLIT = re.compile(r"[，,。；;！!？?\n\r—]+")
ME = r"(?:我|俺|咱|本人|鄙人)"
KIN_OF_MINE = (rf"{ME}(?:家)?(?:[大二三四五六七八九小老](?=[叔伯舅姑姨爷哥姐弟妹婶]))?(?:爹|爸|娘|妈|爷爷|奶奶|姥爷|姥姥|爷|奶|老伴|父亲|母亲|老父亲|老母亲|姑姑|姑|姨|舅舅|舅|哥|姐|"
       rf"弟弟|弟|妹妹|妹|婆婆|公公|掌柜的|男人|老头子?|老伴儿|老婆|媳妇|爱人|对象|老公|丈夫|那口子|"
       rf"大伯|伯伯|伯父|大爷|叔叔|叔|婶子|婶|大娘|舅妈|姨妈|侄子|侄女|外甥|外甥女|孙子|孙女|外孙|外孙女|"
       rf"儿子|闺女|女儿|岳父|岳母|老丈人|丈母娘)")
KIN = rf"(?:{KIN_OF_MINE}|他|她)"   # typed for a relative: "俺爹叫…", "他叫…"
# the end of a name in words run together, as voice input writes them: "俺叫常秋月俺是…", "…的翟春生就是俺想问"
NAME_END = (rf"(?=$|[^{HAN}·]|住|家住|家在|家里|电话|手机|在|是|今年|去年|前年|俺|我|咱|就是|反映|说|嗯|呃|额|啊|那个|然后|"
            r"地址|住址|问题|事由|联系|就中|就行|就好|就可以|吧)")
# a character of a name said after an introduction: none of the words that join it to the rest
GIVEN = rf"(?:(?![我俺咱的哩嘞叫是嗯呃])[{HAN}·])"
# what a person is, said between their place and their name: "…村哩村民李拴柱", "…社区居民马翠霞"
TITLE = (r"(?:[\u4e00-\u9fff]{0,3}?(?:村民|居民|群众|农民|党员|代表|户主|老人|家长|五保户|低保户|贫困户|军人|老兵|残疾人|"
         r"职工|工人|老师|教师|医生|村医|护士|司机|学生|业主|联系人|负责人|会计|电工|保安|厨师|环卫工|网格员|个体户|"
         r"组长|队长|退休工人|农民工))")   # also 退休职工, 小学老师, 党员代表
# the name on one's papers, said beside what one is called: "俺叫二蛋 大名叫王建国"
REAL_NAME = rf"(?:大名|学名|真名|全名|本名|官名)(?:叫|是|[:：])?|(?:其实{ME}?|(?:身份证|户口)上(?:的名字)?(?:写的)?)[是叫:：]"
# "我是X" / "俺叫X" / "本人X" / "姓名：X" / "我姓王，叫王秀兰", optionally with "下汤镇的" between
NAME_INTRO = re.compile(
    rf"(?:{ME}姓{NAME_CHARS}[，,\s]*(?:名字)?叫(?:做|作)?|{ME}(?:名字)?叫(?:做|作)?|{ME}(?:就|也)?是|本人(?:姓名|名字)?[是:：/／]?|姓名[是:：/／]?|"
    rf"名字(?:叫做|叫作|[是叫:：/／])?|名叫|(?:户主|联系人|牵头人|负责人|带头人|领头人|反映人|信访人|来信人|来访人|申请人|投诉人)[是:：/／]?|{REAL_NAME}|"
    rf"(?<=[都就])(?:叫|喊){ME}|(?i:i am|i'm|my name is)\s*|(?:^|(?<=[，,。\s]))(?:你|恁|那)?(?:就)?(?:叫|喊|称呼){ME}|"
    rf"(?:^|(?<=[，,。\s])|(?<=村民|居民|群众|农民|党员|户主|业主|家长|职工|老师))叫)"
    rf"(?:(?:(?!然后|就是|[我俺咱的])[{HAN}0-9]){{0,12}}?(?:的|哩|嘞|村(?!医|民|干部|长|支书|会计|里)|社区|组(?!长)))?\s*{TITLE}?\s*"
    rf"({GIVEN}{{2,5}}?){NAME_END}")
# "团城乡团城村的薛宝钗，…": a name right after the place it is from, before the story
NAME_AFTER_PLACE = re.compile(rf"(?:^|[，,\s])(?:{ME}是)?[{HAN}0-9]{{1,16}}?(?:村|社区|组|镇|乡|街道)(?:的|哩|嘞)?\s?{TITLE}?"
                              rf"({NAME_CHARS}{{2,4}}?)(?<![村镇乡组区道])(?=[，,。：:\s]|$|反映|俺|我|咱|就是)")
# words of reporting or complaining about someone: a name after them is the one accused, never
# the writer's ("我要实名举报下汤镇的李建国")
ACCUSING = re.compile(r"举报|检举|揭发|控告|告发|投诉|状告|告|反映|起诉")
SURNAME_ONLY = re.compile(rf"(?:{ME}|(?:^|(?<=[，,。\s])))姓(?!名)({NAME_CHARS})(?![{HAN}]*叫)(?=$|[^{HAN}]|{ME})")
NOT_NAMES = {"村民", "群众", "居民", "农民", "老百姓", "百姓", "业主", "家长", "学生", "工人", "党员", "本人",
             "信访人", "退伍军人", "老人", "市民", "租户", "患者", "代表", "村里人", "老党员", "贫困户", "低保户",
             "之一", "其中之一", "负责人", "牵头人", "联系人", "姓名", "名字", "儿媳妇", "媳妇", "五保户", "老兵", "残疾人",
             "支书", "书记", "村长", "主任", "村主任", "会计", "队长", "组长", "老板", "干部", "村干部",
             "保密", "匿名", "无名", "不详", "随便", "算了", "不说", "不留",
             "然后", "救命", "求救", "爱人", "老伴", "丈夫", "妻子", "老婆", "对象", "着急", "急事", "侄子", "侄女", "外甥", "孙子", "孙女", "儿子", "闺女", "女儿", "儿媳", "老伴", "家属", "亲属", "邻居"}
FILLER = re.compile(r"我是|我叫|俺是|俺叫|咱是|本人|鄙人|姓名|名字|名叫|叫做|叫作|电话|手机|号码|联系方式|家住|住在|我们|俺们|咱们|"
                    r"我|俺|咱|的|是|在|村民|居民|群众|[:：\s]")
# said only to open or close a conversation: nothing to file
GREETING_WORDS = re.compile(r"你好呀|您好呀|你好|您好|在吗|在不在|有人吗|有没有人|请问|喂+|hi|hello|同志|领导|"
                            r"工作人员|师傅|麻烦|打扰了|一下|[\s，,。.!！?？~、]")
THANKS = re.compile(r"^(?:(?:好|中|行|嗯|哦|噢|那|那就|那好)[\s，,。.!！~]*)?"
                    r"(?:俺|我)?(?:谢谢|多谢|感谢|谢了|辛苦了?|好的|好嘞|知道了|明白了|晓得了|记住了|记下了|收到|麻烦了|太感谢了)"
                    r"(?:你们|恁们|您|你|恁|领导|同志|政府|了|啦|啊|呀)*"
                    r"[\s，,。.!！~]*(?:谢谢|辛苦了?|你们|您了?|领导|同志)?[\s，,。.!！~]*$")
# a word that closes, said beside thanks: "好 俺知道了 谢谢恁", "中 麻烦恁了", "就这吧 谢谢"
CLOSING = re.compile(rf"(?:好|好的|中|行|嗯|哦|那好|那中|就这吧?|就这样|好了吧?|{ME}?知道了|{ME}?明白了|"
                     r"麻烦(?:你们|恁们|您|你|恁)?了?|谢谢(?:你们|恁们|您|你|恁|领导|同志)?了?|辛苦(?:你们|恁们|您|你|恁)?了?)")
# the most common surnames (百家姓 as counted today, and the compound ones): a bare answer to
# "请问您怎么称呼" is taken as a name only when it starts with one (or 老/小 and one)
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常"
    "温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴"
    "霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄"
    "窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池"
    "查麻苑迟邝封原井萧鞠霍綦步薄厉冀郜谈於匡国相宿仝寿勾位郦"
    # the rarer ones of the 百家姓 that begin no everyday word a matter starts with (not 松, 皮, 印 …)
    "贝廉帅禹芦闵臧靳栾佘甄苟阮蒲卓仇景祁耿娄姬盛焦纪申侯乔庞樊邢岳翟姚鲍甘吕苗司武魏柳葛奚酆滕殷茅刁虞"
    "昝裘嵇荀芮羿储汲邴糜隗宓蓬郗钭戎祖韶蓟邰鄂索赖蔺屠胥莘贡逄雍璩濮扈郏晏阎茹宦艾庾暨衡阙殳夔厍晁訾阚乜蒯竺逯桓") | {"欧阳", "上官", "司马", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙"}
NAME_TAILS = ("师傅", "老师", "大爷", "大娘", "大妈", "阿姨", "奶奶", "爷爷", "女士", "先生", "大哥", "大姐", "嫂子",
              "婶", "叔", "姐", "哥", "老汉", "老太")
# words no name holds: what people say about things, not what they are called
NOT_IN_NAMES = set("的了吗呢啊吧呀是在没不我俺咱你恁您他她们这那要想说去个坏找问反映事情村镇乡县市地电回次趟遍")   # not 钱/房/路: surnames; not 水: 王水生
NAME_COMMANDS = {"确认", "确定", "提交", "返回", "取消", "帮助", "查询", "人工", "转人工", "客服", "我要反映",
                 "好的", "是的", "不是", "不知道", "没有", "跳过", "投诉", "举报", "上访", "信访"}
NOT_IN_PLACES = re.compile(r"[我俺咱你恁他她的了着吗呢吧啊]")   # what no village's name holds ("俺村那个桥")
FULL_WIDTH = {ord(c): ord(c) - 0xFEE0 for c in "０１２３４５６７８９＋－"} | {0x3000: 0x20}
SAID_DIGIT = {ord(c): ord(d) for c, d in zip("零〇幺一二三四五六七八九", "001123456789")}
SAID_DIGITS = re.compile(r"[零〇幺一二三四五六七八九]{11,}")     # a phone number read out: one digit a character
EMOTICON = re.compile(r"\[[\u4e00-\u9fffA-Za-z]{1,6}\]")


@dataclass
class Extracted:
    name: str | None = None
    phone: str | None = None
    place: PlaceMatch | None = None
    content: str | None = None
    people: int | None = None       # a group: how many people (households, representatives) it speaks for
    trip: str | None = None         # an announced trip: county | city | province | beijing (core.cases.threats)
    heard: list[str] = field(default_factory=list)   # said, but no matter: an announcement, a greeting
    called: bool = False            # the name was said as what one is called (我叫, 姓名：), not "我是…"
    typing_for: bool = False        # someone types for a relative ("我替我爸问一下")
    kin: str | None = None          # the relative's name, when one is given ("我爸叫刘建业")


# --- whether a clause says a matter -----------------------------------------------------------
# The words of talking about petitioning rather than about the matter: who writes and to whom,
# greeting, wanting to tell, asking whether one may, typing for someone, how long it has waited,
# asking for help, for a person or for when — with the little words that hold them together. A
# clause left with fewer than two characters once they (and the name, place and phone) are taken
# away names no thing, no act and no loss: it says no matter ("俺有个事想跟政府说说", "俺这事拖了
# 三年了没人管", "能在这反映问题不"); "俺家的机井坏了" keeps 家机井坏 and does.
ABOUT_PETITIONING = (
    # who: the writer, whom they write for, and to
    "我们 俺们 咱们 恁们 你们 本人 自己 大家 人家 我 俺 咱 恁 你 您 他们 她们 他 她 家里人 家人 亲戚 爹 爸 娘 妈 爷 奶 老伴 父亲 母亲 "
    "业主 住户 户主 牵头人 负责人 带头人 联系人 牵头 领头 签名 联名 签字 "
    "儿子 闺女 女儿 孙子 孙女 媳妇 老人家 老人 老党员 党员 老百姓 百姓 群众 村民 农民 居民 代表 今年 岁 "
    "同志 领导 工作人员 师傅 政府 上级 上面 县里 县城 县上 县政府 县委 市里 市上 市政府 省里 省城 省政府 北京 郑州 中央 "
    "平顶山 信访局 部门 单位 机关 这里 这儿 这边 这块 那里 那儿 "
    # greeting and the little words
    "你好 您好 恁好 在吗 在不在 有人吗 有没有人 请问 麻烦 打扰 谢谢 辛苦 喂 哎 唉 啊 呀 哦 嗯 哈 咧 哩 嘞 啦 吧 呢 吗 么 嘛 哇 "
    "好 一下 一点 点 这个 那个 这 那 哪 啥 咋 怎么 什么 谁 些 个 的 地 得 着 了 过 是 在 有 就 都 也 还 又 再 才 "
    "不 没 别 想 要 能 可以 会 去 到 来 上 跟 和 给 向 对 把 让 叫 被 用 中 行 成 "
    # telling, asking whether one may, typing for someone
    "反映 上访 信访 投诉 举报 告状 讨说法 说法 说说 说道 说一说 讲讲 问问 咨询 求助 求求 帮帮 帮忙 帮 替 代 "
    "打字 打的字 发的 写 唠唠 聊聊 说 讲 问 找 事情 事儿 事 问题 情况 困难 难处 "
    "冤情 冤屈 冤枉 委屈 苦衷 心事 难事 急事 大事 要紧事 救救 救命 求求 然后 门口 大门 "
    "请教 件 实名 汇报 向 实在 没办法 知道 该 管用 村里人 老头子 之前 以前 上次 上回 第二次 第一次 头一回 打过 12345 热线 "
    "找个人 跟人 和人 手续 程序 流程 需要 规定 办法 推来推去 踢皮球 推诿 扯皮 好多 时候 到时候 说不清 说不明白 不清楚 不会说 咋说 怎么说 这样 那样 可以 意见 全村 全村人 大伙 大家伙 瞅瞅 瞅一瞅 瞅 "
    "村里 村上 队里 组里 乡里 镇上 镇里 没人 一起 一块 一同 集体 户 人家 带头 领头 "
    "男人 老婆 丈夫 老公 爱人 大伯 伯伯 叔叔 婶子 侄子 侄女 外甥 儿媳 公公 婆婆 哥 姐 弟 妹 舅 姑 姨 掌柜 "
    # why someone else types, and whether we answer: "俺妈不识字", "俺在外地打工", "打恁电话没人接"
    "不识字 识字 不会用 外地 外面 打工 务工 上班 打电话 打不通 占线 接电话 没人接 没人回 老是 总是 回不去 回不来 "
    "年纪 岁数 大了 老了 眼神 眼睛 看不清 看不见 耳背 耳朵 方便 说话 弄 号 微信 短信 公众号 外省 南方 "
    "广东 广州 深圳 东莞 上海 浙江 杭州 江苏 苏州 天津 新疆 洛阳 "
    # how long, and nothing done
    "今天 明天 后天 昨天 前天 过几天 下周 马上 早就 已经 一直 到现在 至今 现在 如今 好几 这么 那么 多少 年 月 天 星期 礼拜 "
    "上午 下午 中午 早上 早晨 晚上 夜里 半夜 白天 半天 整天 天天 每天 一早 "
    "回 次 趟 遍 拖 等 没人管 没人问 没人理 没人过问 不管 不问 不理 结果 下文 信儿 消息 动静 回音 没用 "
    # a plea, a person, a when
    "请 希望 盼 做主 作主 主持 公道 查查 查 管管 管 解决 处理 办理 办 落实 帮助 机器人 机器 明白 清楚 听不懂 懂 "
    "打算 咋办 怎么办 咋弄 咋整 下一步 进展 看看 看一看 来看 瞧瞧 受理 立案 收到 "
    "真人 人工 活人 来人 有人 啥时候 什么时候 几时 多久 多长时间 哪天 准信 回复 答复 见面 联系 电话 号码 手机 下来 完 结 "
    "姓名 名字 联系方式 家住 住在 住 "
    # a letter's forms, whether we hear, whom one may accuse here
    "尊敬 此致 敬礼 们 听见 听得见 听到 到底 管事 告 村干部 干部 "
    # who one is, where the number was seen, what it costs, fearing a reprisal, asking patience
    "老农民 庄稼人 种地的 老实人 丈母娘 岳父 岳母 老丈人 姥爷 姥姥 舅妈 姨妈 嫂子 "
    "憋 心里 憋屈 看到 看见 瞧见 墙上 贴的 海报 广告 二维码 扫码 上面 发个 发条 发一下 发信息 发消息 "
    "花钱 要钱 收钱 收费 免费 费用 报复 打击报复 穿小鞋 害怕 担心 别嫌烦 嫌烦 别嫌 啰嗦 罗嗦 打字慢 刚才 刚刚 "
    # why one writes here, and to whom: "俺是个残疾人 行动不方便", "俺想给县长写封信", "求青天大老爷做主"
    "残疾人 行动 腿脚 行动不便 只能 县长 副县长 乡长 镇长 书记 县委书记 市长 写信 写封信 一封信 封信 "
    "青天 大老爷 青天大老爷 包青天 父母官 求 恳求 请求 急 紧急 着急 十万火急 冤枉 "
    "头回 头一次 用这个 这玩意 这东西 咋用 怎么用 "
    # a form's fields: "性别:女 年龄:65 住址:…"
    "性别 男 女 年龄 住址 地址 籍贯 民族 汉族 联系电话 身份证号 职业 务农"
).split()
ABOUT_WORDS = re.compile(r"去[\u4e00-\u9fff]{0,4}?看望?(?=(?:俺|我|他|她)?(?:闺女|儿子|孩子|孙子|孙女|外孙|老人|爹|娘|妈|爸|亲戚))|"   # "去北京看闺女": a visit
                         + "|".join(sorted(set(ABOUT_PETITIONING), key=len, reverse=True))
                         + r"|跑(?=了?[一二两三四五六七八九十几好多]+[趟回次遍])"     # "跑了十几趟": waiting, "肇事的跑了" is not
                         + r"|(?:[\u4e00-\u9fff]{1,3}省)?(?:[\u4e00-\u9fff]{1,3}市)?[\u4e00-\u9fff]{2}县(?=信访|政府|县委|人民|的|吗|吧|$)"   # 鲁山县: to whom
                         + r"|[一二两俩三四五六七八九十百千半几来余多]")
# what marks such a clause: it speaks of telling, petitioning, waiting, typing, asking or greeting
ABOUT_MARK = re.compile(r"反映|上访|信访|投诉|说说|说道|想说|跟.{0,4}说|讲讲|问问|咨询|事|问题|情况|你好|您好|恁好|领导好|同志|"
                        r"打的?字|替|代.{0,3}(?:发|问|写|打)|帮.{0,3}(?:发|问|写|打)|能不能|可不可以|中不中|行不行|"
                        r"(?:能|可以).{0,8}[不吗]$|机器|真人|老党员|拖|没人管|没人问|没人理|不管|结果|下文|等了|"
                        r"啥时候|什么时候|多久|找谁|准信|来人|有人来|没人接|打不通|占线|不识字|说不清|说不明白|不会说|咋说|怎么说")
# a plea or a complaint of waiting: part of the story when it comes with the matter, else a note
PLEA = re.compile(r"拖|没人管|没人问|没人理|不管|结果|下文|等了|请|求|希望|盼|做主|作主|公道|查查|管管|解决|处理|落实|"
                  r"帮|救|麻烦|看看|说法|拜托|可怜|没法活|活不下去|没办法|不知道找谁|"
                  r"[年月天]了|星期了|礼拜了|一直|到现在|至今|好几")
# a question put to us ("恁管不管", "这中不中", "到底管不管"): heard, never the matter's plea
ASKS_US = re.compile(r"(.{1,2})不\1|到底")
# an announcement run into the matter, as voice input writes it: "俺要反映个事俺村的垃圾没人拉"
ANNOUNCED = re.compile(rf"^(?:(?:你好|您好|恁好|领导好?|同志)[，,\s]*)*{ME}?(?:就是|是)?(?:要|想|来)?"
                       r"(?:(?:反映|说|讲|问)(?:一?下|一?个|点)?|有一?个?)(?:事情|事儿|事|问题|情况)(?:就是|是)?[，,：:\s]*")
# voice input pauses with a space where a writer puts a comma: "同志你好 俺是老党员了 有个事想跟政府说说"
PAUSE = re.compile(rf"(?<=[{HAN}])\s+(?=[{HAN}\d])|(?<=[{HAN}\d])\s+(?=[{HAN}])")
# whom a number may belong to besides the petitioner ("村支书电话139…"): not the contact number
THIRD_PARTY = re.compile(r"(?:他|她|对方|村支书|支书|书记|村长|主任|老板|包工头|经理|队长|会计)[的家]?(?:电话|手机|号码)?[是:：]?\s*$")
# someone typing for a parent or grandparent: "俺替俺爹打的字 俺爹叫李老栓" — the petitioner is the parent
TYPING_FOR = re.compile(rf"替(?!{ME}[发问写打说])|代.{{0,3}}(?:发|问|写|打|说)|帮(?!{ME}[发问写打说]).{{0,3}}(?:发|问|写|打|说)|"
                        rf"[让叫]{ME}.{{0,4}}(?:发|问|写|打)|"
                        rf"{ME}是(?:他|她)?的?(?:闺女|女儿|儿子|孙子|孙女|儿媳妇?|侄女|侄子|外孙女?|外甥女?)")
# talk about the name, not the matter: what others call one, and a surname spelled out ("赵钱孙李的赵",
# "弓长张", "耳东陈"); a clause of it is no more than the name said
NAME_TALK = re.compile(rf"(?:大家|别人|人家|村里人|街坊|乡亲们?)(?:都)?(?:叫|喊){ME}|小名|外号|绰号|大名|学名|真名|全名|本名|其实{ME}?叫|"
                       r"(?:弓长|立早|木子|耳东|口天|双木|古月|走肖|言午|文刀|人可|草头|禾呈)(?=[张章李陈吴林胡赵许刘何黄程的]|$|\s)|"
                       r"三横|草字头|"
                       rf"(?:^|[^{HAN}])([{HAN}])[{HAN}]{{1,4}}的\1(?:$|[^{HAN}])")
# a pause after the surname of an introduced name: "我叫王 建国"
SURNAME_PAUSE = re.compile(rf"((?:叫|是|姓名[:：]?)[{HAN}])\s+(?=[{HAN}]{{1,2}}(?:$|[^{HAN}]))")
# a name said twice or spaced out by voice input: "俺叫刘 刘长水", "我是 孟 凡 荣"
STUTTER = re.compile(rf"([{HAN}])[\s、，,…。.\-]+(?=\1)")
SPACED = re.compile(rf"(?:^|(?<=\s))[{HAN}](?=\s)|(?<=\s)[{HAN}]$")
KIN_NAME = re.compile(rf"{KIN}(?:名字)?叫({NAME_CHARS}{{2,4}}?){NAME_END}|"
                      rf"{KIN_OF_MINE}(?:是)?({NAME_CHARS}{{2,4}}?)(?=[，,。\s]|$)|"
                      rf"(?:替|帮|代){KIN}({NAME_CHARS}{{2,4}}?)(?=反映|问|说|发|写|打)|"
                      rf"{ME}是({NAME_CHARS}{{2,4}}?)的(?:儿子|闺女|女儿|孙子|孙女|儿媳妇?|侄子|侄女|外甥女?|外孙女?)")


# one's sex and age beside the name, in brackets or alone between pauses: "李秀英（女，65岁）", "王秀芝 女 下汤镇…"
SELF_FACTS = re.compile(r"[（(][^（）()]{0,10}?(?:男|女|岁)[^（）()]{0,6}[）)]|(?:(?<=[\s，,])|^)(?:性别[:：]?\s*)?[男女](?=[\s，,]|$)")
# the formal way: "本人姓李名秀英", "我姓王名大山"
FORMAL_NAME = re.compile(rf"({ME}?)姓([{HAN}])[，,\s]*名(?:字|叫)?(?=[{HAN}]{{1,2}}(?:$|[^{HAN}]|家住|住|是|{ME}))")

# a matter said in a word or two, as an SMS lists it ("张官营镇张官营村 许大庆 低保"): what the bureau hears of
SHORT_MATTER = re.compile(r"(?:俺家|我家|俺|我)?(?:低保|五保|养老金?|医保|社保|工资|工钱|欠薪|拆迁|强拆|征地|占地|宅基地|补偿|补贴|"
                          r"救助|危房|户口|低保户|上学|学籍|污染|噪音|漏水|停水|停电|断水|断电|贷款|赔偿|工伤|退休金|抚恤金|"
                          r"房产证|土地|承包地|林地|残疾证|安置|搬迁|扶贫|集资|物业|信号|路灯|修路|垃圾|"
                          r"(?:被|叫)?(?:打了|骗了|偷了|占了|拆了|扣了|停了))(?:问题|的事)?")


def clauses_of(text: str) -> list[str]:
    """The clauses of a message: between its punctuation, and between voice input's pauses where
    each side is a few words (not "孟 凡 荣", a name spaced out)."""
    return [clause for _, clause in _grouped_clauses(text)]


def _grouped_clauses(text: str) -> list[tuple[int, str]]:
    """clauses_of, each with the number of the written clause (between punctuation) it is part of."""
    out = []
    for i, clause in enumerate(CLAUSE_SPLIT.split(text)):
        parts = PAUSE.split(clause.strip())
        out += [(i, p) for p in (parts if all(len(p) >= 2 for p in parts) else [clause.strip()]) if p]
    return out


def says_no_matter(clause: str, rest: str | None = None) -> bool:
    """The clause speaks only of petitioning (see ABOUT_PETITIONING): nothing else is left of it,
    or one character where it speaks of telling, waiting or typing ("俺被打了" and "张三" are not
    such) — ``rest`` is the clause without the person's name, place and numbers."""
    left = len(re.findall(rf"[{HAN}A-Za-z]", ABOUT_WORDS.sub("", rest if rest is not None else clause)))
    return left == 0 or left == 1 and bool(ABOUT_MARK.search(clause))


def _own_mobile(text: str) -> str | None:
    """The first mobile number in the text that is not said to be someone else's."""
    plain = readable(text)
    for m in MOBILE_IN_TEXT.finditer(plain):
        if not THIRD_PARTY.search(plain[max(0, m.start() - 8):m.start()]):
            found = find_mobile(m.group(0))
            if found:
                return found
    return None


CN_DIGITS = {"一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
# "三十多户", "二十几个村民", "五个代表", "我们8个人", "一百来户人家"
PEOPLE = re.compile(r"(\d+|[一二两俩三四五六七八九十百]+)(?:多|来|几|余)?(?:个|名|位)?"
                    r"(户人家|户|个?人|号人|个(?=人?(?:一起|一块|一同|都|来了|来的))|(?<=来了)[^，,。]{0,2}个|名群众|个?村民|个?代表|个?群众|家|个?(?:退休)?(?:农民工|工人|职工|业主|住户|居民|家长|老人|老师|教师|商户))")


def cn_number(text: str) -> int | None:
    """"30", "三十", "二十几" (20), "十" , "一百" — what people write for how many."""
    if text.isdigit():
        return int(text)
    total, digit = 0, None
    for ch in text:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        elif ch == "十":
            total += (digit or 1) * 10
            digit = None
        elif ch == "百":
            total += (digit or 1) * 100
            digit = None
        else:
            return None
    return total + (digit or 0) or None


# a group is people who come or speak together (issue 32): a message that says so ("一起来的", "联名",
# "推选的代表"), "we" counted ("俺们二十多个人", "我们五个代表"), or a count that came ("…八户人家来反映")
TOGETHER = re.compile(r"(?:一起|一块|一同|一道)(?:儿)?(?:来|去.{0,4}(?:访|反映|告)|上访|反映|告|找恁|找你们|签|按)|"
                      rf"联名|签名|签字|签了名|签了字|按手印|按了手印|委托|代表(?!{ME}?(?:家|全家|一家))|推选|(?:{ME}|是|当)[^，,。\s]{{0,3}}(?:牵头|领头|带头)|"
                      r"集体访|大伙(?:儿)?(?:一起|都来|来|让|选)|大家伙")
WE_COUNTED = re.compile(rf"(?<![把给叫让被将替了])(?:{ME}们|大家|咱)(?:是|这|一共|共|总共)?$")   # not "把俺们三十多户的地"
CAME = re.compile(r"^[^，,。；;！!？?\s]{0,6}(?:来了|来的|来反映|来上访|去上访|都在|在信访局)")


def people_in(text: str) -> int | None:
    """How many people a message speaks for, when they come together (at least two): "我们一共三十多户，
    我是代表" → 30; never a count only mentioned — "村里一百多户都没通水" is one person's matter."""
    together = TOGETHER.search(text)
    few = re.search(rf"{ME}们?(仨|俩)(?:人)?(?:一起|一块|一同|都)", text)      # "俺们仨一块来的"
    if few:
        return 3 if few.group(1) == "仨" else 2
    others = re.search(rf"{ME}(?:和|跟)(?:另外|其他)?(\d+|[一二两三四五六七八九十]+)个", text)   # "我和另外两个村民一起"
    if others and TOGETHER.search(text) and (n := cn_number(others.group(1))):
        return n + 1
    counts = [n for m in PEOPLE.finditer(text) if (n := cn_number(m.group(1))) and 2 <= n <= 100_000
              and (together or WE_COUNTED.search(CLAUSE_SPLIT.split(text[:m.start()])[-1])
                   and not text[m.end():m.end() + 1] == "的"      # "欠了俺们十几个工人的工资": whose, not who came
                   or CAME.match(text[m.end():]))]
    return max(counts) if counts else None


def is_greeting(text: str) -> bool:
    """Nothing but hello: "喂 有人吗", "您好，请问在吗"."""
    text = EMOTICON.sub("", text)
    return bool(text.strip()) and not GREETING_WORDS.sub("", text.lower())


def is_thanks(text: str) -> bool:
    """"谢谢", "好的，辛苦了", "好 俺知道了 谢谢恁", "中 麻烦恁了": a close, not a new petition."""
    text = text.strip()
    if THANKS.match(text):
        return True
    parts = [p for p in re.split(r"[\s，,。.!！~]+", text) if p]
    return bool(parts) and any(re.search(r"谢|麻烦|辛苦", p) for p in parts) and all(
        THANKS.match(p) or CLOSING.fullmatch(p) for p in parts)


def readable(text: str) -> str:
    """The text with full-width digits and spaces made plain, and a number read out by voice input in
    words ("幺三八三八七六五四三二") in digits, for reading numbers only (what is stored keeps what the
    person wrote; each character stays one)."""
    return SAID_DIGITS.sub(lambda m: m.group().translate(SAID_DIGIT), text.translate(FULL_WIDTH))


def without_emoticons(text: str) -> str:
    """The text without WeChat's emoticons typed as words ("[微笑]", "[握手]")."""
    return EMOTICON.sub("", text).strip()


def plausible_name(name: str) -> bool:
    """A name as people give it: 2–4 characters (a minority name with ·, up to 10), none of the
    words no name holds, not a title of a group; 张三, 王师傅, 老刘, 欧阳春花."""
    if not name or name in NOT_NAMES or name in NAME_COMMANDS:
        return False
    if "·" in name:
        return bool(re.fullmatch(rf"[{HAN}]{{1,6}}·[{HAN}·]{{1,8}}", name))
    if not re.fullmatch(rf"[{HAN}]{{2,4}}", name) or any(c in NOT_IN_NAMES for c in name):
        return False
    return True


def unspaced(text: str) -> str:
    """A name as it was meant, where voice input spaced it out or the speaker stuttered over it:
    "我是 孟 凡 荣" → 我是孟凡荣, "俺叫刘 刘长水" → 俺叫刘长水; other text as it is."""
    if SPACED.search(text):
        text = re.sub(rf"(?<=[{HAN}])\s+(?=[{HAN}])", "", text)
    return STUTTER.sub("", text)


def clean_name(text: str) -> str | None:
    """A bare answer to "请问您怎么称呼？": 张三, 我叫张三, 俺叫杨春花, 王师傅, 老刘, 张三。 — never a
    story, a place, a command or a confirmation. Without an introduction ("我叫"), a name starts with
    a common surname (or 老/小 and one) or ends as people are called (师傅, 大爷 …)."""
    t = re.sub(r"(?:就中|就行|就好|就可以|就是了)?[吧呗啊呀]?[\s。.!！,，~]*$", "", unspaced(text.strip()))   # "叫我老郑就中"
    t = re.sub(r"(?:[\s，,（(]*(?:男|女|\d{1,3}岁?|[一二三四五六七八九十]+岁|同志)[)）]?)+$", "", t)        # "张三（男）", "王建国同志"
    t = re.sub(rf"^(?:{TITLE})(?=[{HAN}]{{2,4}}$)", "", t) if not re.fullmatch(rf"{TITLE}", t) else t   # "老党员王建国"
    t = re.sub(r"^(?:那|你|恁|您|就|那就)+", "", t)                              # "那就叫俺老周吧", "那你就写老周吧"
    introduced = re.match(rf"^(?:{ME}姓{NAME_CHARS}[，,\s]*(?:名字)?叫|{ME}(?:名字)?叫|{ME}(?:就|也)?是|本人是?|姓名[是:：]?|"
                          rf"名字(?:就)?[是叫写:：]?|{KIN}(?:名字)?叫|(?:叫|喊|称呼){ME}|叫|"
                          rf"(?:写|记|填)(?:成|作|个|上)?{ME}?)", t)      # "喊俺老马就中", "写老周": what to call them
    if introduced:
        t = t[introduced.end():].strip("：: ")
    if len(re.findall(rf"[{HAN}]", t)) <= 4 and re.fullmatch(rf"[{HAN}]+(?:\s+[{HAN}]+)+", t):
        t = re.sub(r"\s+", "", t)                # "王 建国": a name split by a pause
    if re.fullmatch(r"[A-Za-z][A-Za-z .'-]{1,30}", t) and t.lower() not in {"ok", "hi", "hello", "yes", "no"}:
        return t
    if not plausible_name(t):
        surname = SURNAME_ONLY.fullmatch(text.strip().rstrip("。.!！~ "))
        return f"{surname.group(1)}某" if surname else None
    if introduced or "·" in t:
        return t
    core = t[1:] if t[0] in "老小" and len(t) >= 2 else t
    if t.endswith(NAME_TAILS) and len(t) <= 4:
        return t
    if core[:2] in SURNAMES or core[:1] in SURNAMES:
        return t
    return None


# a group answering "怎么称呼" as the group it is: "五十户业主签名", "俺们三十多户村民", "全体村民联名"
GROUP_NAME = re.compile(rf"^(?:{ME}们|{ME}这)?(?:是|都是)?((?:[一二两俩三四五六七八九十百千\d]+(?:多|来|几|余)?(?:户|个|名|位)?|全体|全村)"
                        r"(?:业主|村民|居民|群众|职工|工人|农民工|家长|老人|住户|商户|户主|股民|教师|老师|退伍军人|老兵|户))"
                        r"(?:的)?(?:签名|联名|代表|一起|集体)?(?:反映)?[。.!！\s]*$")


def group_name(text: str) -> str | None:
    """A group's answer to the name question, as the group calls itself: "五十户业主签名" → 五十户业主."""
    m = GROUP_NAME.match(text.strip())
    return m.group(1) if m else None


def _name_after_place(text: str) -> str | None:
    """"团城乡团城村的薛宝钗，…" → 薛宝钗 ("…村村民叫鲁大成" → 鲁大成); but not the person a clause
    reports or complains of."""
    for after in NAME_AFTER_PLACE.finditer(text):
        clause = CLAUSE_SPLIT.split(text[:after.start(1)])[-1]
        if (name := clean_name(after.group(1))) and not ACCUSING.search(clause):
            return name
    return None


def _full_name_beside(called: str, clauses: list[str], gazetteer: Gazetteer) -> str:
    """What one is called (老马, 马师傅), or the full name said beside it ("俺是老马 马德福")."""
    tail = next((t for t in NAME_TAILS if called.endswith(t)), None)
    core = called[1:] if called[0] in "老小" and len(called) == 2 else called[:-len(tail)] if tail else None
    if not core:
        return called
    full = _bare_name([c for c in clauses if called not in c], gazetteer)
    return full if full and full.startswith(core) and len(full) > len(core) else called


def _kin_name(m: re.Match) -> str | None:
    """The relative's name a KIN_NAME match holds: said with 叫 (or 替), or standing bare after them
    ("俺爹王大山") when it starts as names do."""
    if m.group(2):
        return clean_name(m.group(2))
    name = m.group(1) or m.group(3) or m.group(4)
    return name if plausible_name(name) else None


def _introduced(text: str, gazetteer: Gazetteer) -> list[tuple[str, str]]:
    """The names the text introduces ("我叫…", "大名叫…"), each with the words from its introduction."""
    return [(m.group(1), m.group(0)) for m in NAME_INTRO.finditer(text)
            if plausible_name(m.group(1)) and not gazetteer.match(m.group(1)).places
            and not (re.match(rf"{ME}?叫", m.group(0)) and re.search(r"(?:的|哩|嘞)\s*$", m.group(0)[:m.start(1) - m.start()]))]
            # (what one is called comes right after 叫: "我叫蒋长福梁洼镇梁洼村的矿上把…" names no 矿上把)


# where a person works, not where they live: a place said with it is not the petition's
WORKS_THERE = re.compile(r"打工|上班|干活|务工|做生意|摆摊")
# a clause that is only a name, with "我" before it or "反映" after: "我樊建设", "霍振江反映"
BARE_NAME = re.compile(rf"{ME}?([{HAN}]{{2,4}}?)(?:反映)?")
# what a given name does not hold, though a matter of two or three characters may: "房子漏", "路塌了"
NOT_IN_GIVEN_NAMES = set("子漏塌占拆欠补贴款费钱粮地房路桥井病伤打偷污染停修没给交收卖罚水")


def _bare_name(clauses: list[str], gazetteer: Gazetteer) -> str | None:
    """A name standing alone as a clause, signed first or last or beside the place, as people put a
    name among their words without saying it is one: "毛小军，张官营镇前营村，…", "…——赵书堂",
    "瓦屋镇 李老庄村 何长江 反映 …", "我樊建设，露峰街道…"."""
    clauses = [c for c in clauses if not is_greeting(c)]      # "你好，陈大山，139…": first after the greeting
    for i, clause in enumerate(clauses):
        bare = BARE_NAME.fullmatch(clause.strip())
        name = clean_name(bare.group(1)) if bare else None
        beside = clauses[max(0, i - 1):i + 2:2]
        placed = any(gazetteer.match(c).places or MOBILE_IN_TEXT.search(readable(c)) for c in beside)
        if bare and not name and placed and i == 0:
            name = uncommon_name(bare.group(1), gazetteer)    # "鄢春梅，139…，仓头乡孙庄村": beside where and how to reach
        given = name[2:] if name and name[:2] in SURNAMES else (name or "")[1:]
        if not name or name.endswith("某") or set(given) & NOT_IN_GIVEN_NAMES or gazetteer.match(name).places:
            continue
        if i in (0, len(clauses) - 1) or placed:
            return name
    return None


def without_places(text: str, gazetteer: Gazetteer) -> str:
    """The text with the county's places it names taken out: "王 秀 英 下汤镇" → "王 秀 英"."""
    names = [n for _, name, short in gazetteer.townships for n in (name, short)] + \
        [name for _, _, name, _ in gazetteer.villages]
    for name in sorted({n for n in names if len(n) >= 2 and n in text}, key=len, reverse=True):
        text = text.replace(name, " ")
    return re.sub(r"\s+", " ", text).strip(" ，,的")


# what begins the words after a name when voice input runs them on: "…的张三小区水泵坏了", "…的薛宝钗家里的电表…"
AFTER_NAME = re.compile(r"村里|村上|村干部|村支书|村主任|村会计|村委|小区|社区|组里|家里|家|俺|我|咱|恁|你|他|她|这|那|今年|去年|前年|"
                        r"年|月|矿上|矿|景区|邻居|邻村|楼下|楼上|学校|物业|镇上|镇里|镇政府|乡里|乡政府|县里|县城|县医院|"
                        r"老板|交警|派出所|身份证|电话|手机|男|女|"
                        r"今|退伍|在|住|是|反映|因为|有|没|被|叫|把|给|从|自|要|想|去|麻烦|请|求|领导|孩子|娃|儿子|闺女|"
                        r"老伴|男人|媳妇|爹|娘|一|二|两|三|四|五|六|七|八|九|十|几|[0-9]")
# where a name begins in words run on: after the place and 的, after 我是/俺叫/本人, after what one is
BEFORE_NAME = re.compile(rf"^|(?:村|社区|组|镇|乡|街道)(?:的|哩|嘞)|{ME}(?:是|叫)|本人|{ME}(?=[{HAN}])|叫|姓名|"
                         r"(?:村民|居民|家长|老师|代表|群众|业主)(?:叫)?")


def _name_run_on(text: str, gazetteer: Gazetteer) -> str | None:
    """A name run into the words after it, as voice input writes without pauses: "我是下汤镇林楼村的
    张三小区水泵坏了" → 张三: two or three characters (four with a compound surname) beginning with a
    surname, after which the words go on as a story does (AFTER_NAME) or a place of the county begins."""
    for before in BEFORE_NAME.finditer(text):
        at = before.end()
        if text[at:at + 2] in SURNAMES:
            lengths = (4, 3)
        elif text[at:at + 1] in SURNAMES or text[at:at + 1] in "老小" and text[at + 1:at + 2] in SURNAMES:
            lengths = (3, 2)
        else:
            continue
        for n in lengths:
            name, rest = text[at:at + n], text[at + n:]
            placed = any(rest.startswith(p) for p in _place_words(gazetteer))
            said_of_self = re.match(r"男|女|今年|电话|手机|身份证|\d", rest)
            if len(name) == n and plausible_name(name) and not gazetteer.match(name).places and (
                    placed or said_of_self or before.group() and (not rest or AFTER_NAME.match(rest))):   # at the start: before a place
                return name
    return None


def _place_words(gazetteer: Gazetteer) -> list[str]:
    return [n for _, name, short in gazetteer.townships for n in (name, short)] + \
        [name for _, _, name, _ in gazetteer.villages]


def _places_apart(text: str, gazetteer: Gazetteer) -> str:
    """The text with a pause before each of the county's places run into the words before it, as voice
    input writes them: "俺叫韩金生王庄村的马楼乡…" → "俺叫韩金生，王庄村的，马楼乡…" (for reading names)."""
    names = [name for _, name, _ in gazetteer.townships] + [name for _, _, name, _ in gazetteer.villages]
    found = {name for name in names if len(name) >= 3 and name in text}
    found = sorted((n for n in found if not any(n != other and n in other for other in found)), key=len, reverse=True)
    if not found:
        return text
    return re.sub(rf"(?<=[{HAN}])(?={'|'.join(map(re.escape, found))})", "，", text)


def uncommon_name(text: str, gazetteer: Gazetteer) -> str | None:
    """A bare answer to "怎么称呼" that is a name of a surname not among the common ones ("鄢春梅",
    "计春花"): two or three characters that no story, place, plea or question holds."""
    t = unspaced(text.strip().rstrip("。.!！~ "))
    if not re.fullmatch(rf"[{HAN}]{{2,3}}", t) or not plausible_name(t) or set(t) & NOT_IN_GIVEN_NAMES \
            or SHORT_MATTER.fullmatch(t) or is_greeting(t) or is_thanks(t) or gazetteer.match(t).places:
        return None
    return t if len(re.findall(rf"[{HAN}]", ABOUT_WORDS.sub("", t))) >= 2 else None


def extract(text: str, gazetteer: Gazetteer) -> Extracted:
    """Everything recognisable in one message. Content is what is left once the clauses that
    only introduce the person (name, place, phone) are taken away."""
    out = Extracted()
    text = SELF_FACTS.sub("", text)     # "李秀英（女，65岁）", "王秀芝 女 …": of the person, not the matter
    text = FORMAL_NAME.sub(r"\1姓\2，叫\2", text) if "名" in text else text   # "本人姓李名秀英": 本人姓李，叫李秀英
    intros = _introduced(text, gazetteer) \
        or (_introduced(unspaced(text), gazetteer) if SPACED.search(text) or STUTTER.search(text) else []) \
        or _introduced(SURNAME_PAUSE.sub(r"\1", text), gazetteer) \
        or _introduced(_places_apart(text, gazetteer), gazetteer)
    # the name on one's papers before what one is called ("俺叫二蛋 大名叫王建国")
    # then one said as what one is called ("俺是老汉 姓任 叫任长林"), not what everyone calls one
    intro = next((name for name, said in intros if re.match(REAL_NAME, said)), None) \
        or next((name for name, said in intros if re.search(rf"(?<![都就喊])叫(?!{ME})|姓名|名字", said)
                 and clean_name(name)), None) \
        or (intros[0][0] if intros else None)
    kin = next(filter(None, map(_kin_name, KIN_NAME.finditer(text))), None) \
        or next(filter(None, map(_kin_name, KIN_NAME.finditer(_places_apart(text, gazetteer)))), None)
    out.typing_for, out.kin = bool(TYPING_FOR.search(text)), kin
    if kin and (out.typing_for or not intro):
        out.name = kin                  # typed by a son or grandson, or named for: the one named
    elif intro:
        out.name = _full_name_beside(intro, clauses_of(text), gazetteer)
        out.called = any(name == intro and re.search(r"叫|姓名|名字|姓", said) for name, said in intros)
    elif (surname := SURNAME_ONLY.search(text)) is not None:      # the whole name beside it, else 王某
        whole = _name_after_place(text) or _bare_name(clauses_of(text), gazetteer)
        out.name = whole if whole and whole[0] == surname.group(1) else f"{surname.group(1)}某"
    else:
        out.name = _name_after_place(text) or _bare_name(clauses_of(text), gazetteer) or _name_run_on(text, gazetteer)
    others = [name for name, _ in intros if name != out.name]   # a nickname beside the name: who, not what
    out.phone = _own_mobile(text)
    out.people = people_in(text)
    match = gazetteer.match(text)
    if len(match.places) > 1 and WORKS_THERE.search(text):    # "…张良村的，现在在县城琴台街道打工"
        home = gazetteer.match("，".join(c for c in clauses_of(text) if not WORKS_THERE.search(c)))
        match = home if home.places else match
    out.place = match if match.places else None

    said = []    # (what the clause is: matter | plea | heard, the clause, the written clause it is part of)
    for group, clause in _grouped_clauses(text):
        lead = ANNOUNCED.match(clause)
        if lead and lead.end() < len(clause) and not says_no_matter(clause[lead.end():]):
            said.append(("heard", lead.group().rstrip("，,：: "), -1))
            clause = clause[lead.end():]
        if len(clause) <= 16 and NAME_TALK.search(clause):
            continue                # talk about the name ("大家都叫俺二蛋", "赵钱孙李的赵"): who, not what
        rest = KIN_NAME.sub(lambda m: "" if _kin_name(m) else m.group(0), unspaced(clause))   # "俺爷叫贾长庚": who
        for name in [out.name] + others if out.name else others:
            rest = rest.replace(name, "").replace(f"姓{name[0]}", "").replace(f"名{name[1:]}", "")   # 姓李名秀英
        rest = ID_NUMBER.sub("", MOBILE_IN_TEXT.sub("", readable(rest))).replace("身份证号", "")
        for threat in threats.heard_all(clause):       # "俺不想活了", "再不管就去北京": a threat, not the matter
            rest = rest.replace(threat.words, "")
        if out.place:
            for place in out.place.places:
                rest = rest.replace(place.township, "").replace(place.village or "\0", "")
        if len(re.findall(rf"[{HAN}A-Za-z0-9]", FILLER.sub("", rest))) < 2:
            if threats.heard_all(clause):
                said.append(("heard", clause, group))      # "俺不想活了": said, kept, not the matter
            continue                # it only says who, where or the number
        said.append(("plea" if PLEA.search(clause) and not ASKS_US.search(clause) else "heard", clause, group)
                    if says_no_matter(clause, rest)
                    else ("matter", clause, group))
    # a word between two pieces of the matter in one run of voice input is part of it ("小区 门口 天天 堵车")
    for i, (kind, clause, group) in enumerate(said):
        if kind == "heard" and any(k == "matter" and g == group for k, _, g in said[:i]) \
                and any(k == "matter" and g == group for k, _, g in said[i + 1:]):
            said[i] = ("matter", clause, group)
    if any(kind == "matter" for kind, _, _ in said):
        content = [clause for kind, clause, _ in said if kind != "heard"]
        out.heard = [clause for kind, clause, _ in said if kind == "heard" and not is_greeting(clause)]
    else:
        content = []
        out.heard = [clause for kind, clause, _ in said if not is_greeting(clause)]
    joined = "，".join(content)
    if len(joined) >= 4 and not is_greeting(joined) or SHORT_MATTER.fullmatch(joined):
        out.content = joined
    return out
