"""Conversations as a rural county's petitioners write them (issue 18): elderly speech, 俺/咱/啥/中,
one long message or a word at a time, answers to the wrong question, full-width digits, groups.

Each case: what the person sends, in order — answering the bot's questions the way people do
(name → phone, on WeChat → where → what; a person who says it all at once is asked less) —
and what the filed petition must hold: the name, the township (and village), the words of the
story that must survive. tests/test_corpus.py drives each through the real webhook and counts
the share handled right (BENCHMARKS.md).
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Case:
    id: str
    says: tuple[str, ...]
    name: str
    township: str
    story: tuple[str, ...]                 # fragments the petition's story must contain
    village: str | None = None
    channel: str = "sms"                   # sms: the number is the sender's; wechat: asked
    people: int | None = None              # a group petition: the 人次 counted
    not_in_story: tuple[str, ...] = ()     # said, but not the matter (greetings, our prompts' words)
    known_wrong: str | None = None         # why it still goes wrong (xfail, strict)
    tags: tuple[str, ...] = field(default_factory=tuple)


PHONE = "13838765432"

CASES = [
    # --- one message, the way the poster invites ---------------------------------------------
    Case("one-shot-clean", ("我是下汤镇林楼村的张三，小区水泵坏了三天没水",), "张三", "下汤镇",
         ("水泵坏了三天没水",), village="林楼村"),
    Case("one-shot-an", ("俺是尧山镇上坪村的李桂芳，俺家门口的路让大车压烂了，下雨天根本走不了",), "李桂芳",
         "尧山镇", ("路让大车压烂了",), village="上坪村"),
    Case("one-shot-name-last", ("张良镇东许庄村，村里的自来水停了一个星期了，我叫王建设",), "王建设", "张良镇",
         ("自来水停了一个星期",), village="东许庄村"),
    Case("one-shot-long", ("领导你好，我是磙子营乡三官庙村的村民赵铁柱，今年六十八了，前年俺家的低保不知道为啥给停了，"
                           "去乡里问了好几回都说不清楚，俺老伴常年有病，日子实在过不下去了，想请领导给查查",),
         "赵铁柱", "磙子营乡", ("低保", "给停了", "日子实在过不下去"), village="三官庙村"),
    Case("one-shot-phone-inside", ("我叫孙小红，电话13912340001，住梁洼镇梁洼村，工资被包工头拖欠半年了",), "孙小红",
         "梁洼镇", ("工资被包工头拖欠半年",), village="梁洼村", channel="wechat"),
    Case("one-shot-fullwidth-phone", ("我是熊背乡大年沟村的刘德华，手机１３９ ０３７５ ２２２２，村里修路占了我家的地没给补偿",),
         "刘德华", "熊背乡", ("占了我家的地没给补偿",), village="大年沟村", channel="wechat"),
    Case("one-shot-zan", ("咱是辛集乡新庄村的马二妮，咱村的垃圾没人拉，都堆到路边了，臭得很",), "马二妮", "辛集乡",
         ("垃圾没人拉",), village="新庄村"),
    Case("one-shot-name-then-place", ("我叫周玉兰，是四棵树乡天桥村的，去年的退耕还林补贴到现在还没发",), "周玉兰", "四棵树乡",
         ("退耕还林补贴",), village="天桥村"),

    # --- piecemeal, answering what is asked --------------------------------------------------
    Case("piecemeal-sms", ("我要反映", "张秀英", "瓦屋镇", "李老庄村", "村里的变压器老跳闸，一到晚上就停电"), "张秀英",
         "瓦屋镇", ("变压器老跳闸",), village="李老庄村"),
    Case("piecemeal-wechat", ("你好", "陈大山", PHONE, "团城乡煤场村", "煤矿塌陷把房子震裂了"), "陈大山", "团城乡",
         ("房子震裂了",), village="煤场村", channel="wechat", not_in_story=("你好",)),
    Case("piecemeal-an-jiao", ("喂", "俺叫杨春花", "观音寺乡黄土岭村", "俺家的危房改造钱没给够"), "杨春花", "观音寺乡",
         ("危房改造",), village="黄土岭村", not_in_story=("喂",)),
    Case("piecemeal-shifu", ("您好", "王师傅", "仓头乡", "孙庄村", "给村里干活的钱一直没结"), "王师傅", "仓头乡",
         ("干活的钱一直没结",), village="孙庄村"),
    Case("piecemeal-lao", ("有人吗", "老刘", "马楼乡王庄村", "邻居盖房子把排水沟堵了，下雨水都灌俺家院里"), "老刘", "马楼乡",
         ("排水沟堵了",), village="王庄村", not_in_story=("有人吗",)),
    Case("piecemeal-surname-given", ("你好", "我姓王，叫王秀兰", "让河乡石门村", "儿子在外地打工出了事故，厂里不赔"),
         "王秀兰", "让河乡", ("不赔",), village="石门村"),
    Case("piecemeal-fullwidth-wechat", ("我要反映", "吴天明", "１３９ ０３７５ ２２２２", "董周乡上董周村", "承包地被村干部收回了"),
         "吴天明", "董周乡", ("承包地被村干部收回",), village="上董周村", channel="wechat"),
    Case("piecemeal-village-unknown", ("我要反映", "郭长生", "背孜乡", "后沟组", "山上的林子被人偷砍了"), "郭长生", "背孜乡",
         ("偷砍",)),
    Case("piecemeal-village-skip", ("我要反映", "何冬梅", "张官营镇", "不清楚", "小孩上学的校车取消了"), "何冬梅", "张官营镇",
         ("校车取消",)),
    Case("piecemeal-street", ("你好", "林晓峰", "鲁阳街道城关社区", "小区物业乱收费"), "林晓峰", "鲁阳街道", ("物业乱收费",),
         village="城关社区"),
    Case("piecemeal-polite-name", ("同志你好", "我叫黄建国，谢谢你们", "赵村镇中汤村", "温泉开发占地的补偿款被截留了"),
         "黄建国", "赵村镇", ("补偿款被截留",), village="中汤村"),

    # --- the wrong answer to the question ----------------------------------------------------
    Case("story-as-name", ("喂 有人吗", "俺是尧山镇的", "俺村的水渠堵了好几个月了，庄稼浇不上水", "俺叫牛满仓", "想马河村"),
         "牛满仓", "尧山镇", ("水渠堵了好几个月", "庄稼浇不上水"), village="想马河村",
         not_in_story=("喂 有人吗", "俺是尧山镇的")),
    Case("story-while-phone", ("我要反映", "我姓王，叫王秀兰", "我家的地被邻居占了三分，找村里也不管", PHONE, "下汤镇社楼村"),
         "王秀兰", "下汤镇", ("被邻居占了三分",), village="社楼村", channel="wechat"),
    Case("story-while-place", ("我要反映", "李满囤", "俺家的牛叫人偷了，报了警也没下文", "仓头乡仓头村"), "李满囤", "仓头乡",
         ("牛叫人偷了",), village="仓头村"),
    Case("story-first-then-name", ("俺们村的桥冲垮了，娃们上学得绕十几里路", "俺叫贾有福", "背孜乡杨家庄村"), "贾有福",
         "背孜乡", ("桥冲垮了",), village="杨家庄村"),
    Case("confirm-as-name", ("我要反映", "确认", "冯桂兰", "张良镇张良村", "低保被取消了"), "冯桂兰", "张良镇",
         ("低保被取消",), village="张良村", not_in_story=("确认",)),
    Case("ok-as-name", ("我要反映", "好的", "段小军", "董周乡董周村", "工伤认定一直不给办"), "段小军", "董周乡",
         ("工伤认定",), village="董周村"),
    Case("place-as-name", ("我要反映", "梁洼镇鹁鸽吴村", "田秀珍", "村里的路灯坏了一年了"), "田秀珍", "梁洼镇",
         ("路灯坏了一年",), village="鹁鸽吴村"),
    Case("story-at-village", ("我要反映", "白玉山", "赵村镇", "中汤村", "俺家的房子在地质灾害点上，一直说搬迁也没搬"),
         "白玉山", "赵村镇", ("地质灾害点",), village="中汤村"),
    Case("more-at-summary", ("我要反映", "韩春生", "琴台街道花园社区", "楼上漏水", "物业不管，找了三次了"), "韩春生",
         "琴台街道", ("楼上漏水", "找了三次了"), village="花园社区"),
    Case("back-at-summary-name", ("我要反映", "吴天", "露峰街道兴华社区", "小区门口的菜市场噪音太大", "返回", "1", "吴天明"),
         "吴天明", "露峰街道", ("噪音太大",), village="兴华社区", not_in_story=("吴天明", "返回")),
    Case("back-at-summary-story", ("我要反映", "邹海燕", "汇源街道西关社区", "孩子的学籍转不过来", "返回", "3",
                                   "是从外省转回来的，学校说要县里开证明"),
         "邹海燕", "汇源街道", ("学籍转不过来", "县里开证明"), village="西关社区"),
    Case("name-with-age", ("我要反映", "我叫石满堂今年七十了", "四棵树乡四棵树村", "养老金停发了"), "石满堂", "四棵树乡",
         ("养老金停发",), village="四棵树村"),
    Case("greeting-and-thanks-first", ("你好，麻烦一下", "我是下汤镇下汤村的卢小萍", "村里的饮水井干了"), "卢小萍", "下汤镇",
         ("饮水井干了",), village="下汤村"),
    Case("refuses-phone-then-gives", ("我要反映", "姜红梅", "我不想留", PHONE, "磙子营乡磙子营村", "集体收入分配不公开"),
         "姜红梅", "磙子营乡", ("分配不公开",), village="磙子营村", channel="wechat", not_in_story=("我不想留",)),
    Case("name-in-dialect-intro", ("我要反映", "俺就是柴老六", "马楼乡马楼村", "宅基地证办不下来"), "柴老六", "马楼乡",
         ("宅基地证",), village="马楼村", known_wrong="俺就是X is no introduction the reader knows"),
    Case("wrong-place-then-right", ("我要反映", "裴文静", "北京朝阳区", "让河乡让河村", "在北京打工的工资没拿到"), "裴文静",
         "让河乡", ("工资没拿到",), village="让河村"),
    Case("place-ambiguous", ("我要反映", "秦建伟", "张", "张良镇", "张良村", "电费收得比别的村高"), "秦建伟", "张良镇",
         ("电费收得比别的村高",), village="张良村"),

    # --- words people use -----------------------------------------------------------------------
    Case("sha-zhong", ("俺是熊背乡熊背村的江大中，村里修的路中不中？才一年就烂了，这是啥质量",), "江大中", "熊背乡",
         ("才一年就烂了",), village="熊背村"),
    Case("elderly-slow", ("我要反映", "我是 孟 凡 荣", "团城乡 团城村", "俺 的 养老 钱 三个月 没 到账"), "孟凡荣", "团城乡",
         ("没 到账",), village="团城村", known_wrong="a name typed with spaces between the characters"),
    Case("two-messages-story", ("我要反映", "丁卫东", "观音寺乡观音寺村", "村里的扶贫羊被村干部卖了", "卖的钱也没分给贫困户"),
         "丁卫东", "观音寺乡", ("扶贫羊", "没分给贫困户"), village="观音寺村"),
    Case("emoji", ("我是辛集乡辛集村的崔小丽😭 家里的房子被强拆了🙏",), "崔小丽", "辛集乡", ("强拆",), village="辛集村"),
    Case("english-name", ("我要反映", "Tom", "鲁阳街道南关社区", "外籍配偶的居留证办理问题"), "Tom", "鲁阳街道",
         ("居留证",), village="南关社区"),
    Case("minority-name", ("我要反映", "买买提·艾力", "露峰街道露峰社区", "经营的餐馆被无故罚款"), "买买提·艾力", "露峰街道",
         ("无故罚款",), village="露峰社区"),
    Case("compound-surname", ("我要反映", "欧阳春花", "琴台街道琴台社区", "社区活动室被占用"), "欧阳春花", "琴台街道",
         ("活动室被占用",), village="琴台社区"),
    Case("name-with-title-dama", ("我要反映", "刘大妈", "汇源街道汇源社区", "楼道里的电动车充电太危险"), "刘大妈", "汇源街道",
         ("电动车充电",), village="汇源社区"),
    Case("surname-only", ("我要反映", "我姓黄", "张官营镇前营村", "村里的坑塘填了盖房"), "黄某", "张官营镇", ("坑塘",),
         village="前营村"),

    # --- groups and trips -----------------------------------------------------------------------
    Case("group-households", ("我们是梁洼镇梁洼村的，一共三十多户，煤矿塌陷房子都裂了，我是代表刘强",), "刘强", "梁洼镇",
         ("三十多户", "房子都裂了"), village="梁洼村", people=30),
    Case("group-representatives", ("我叫范志国，尧山镇尧山村的，俺们五个代表明天想去县里上访，景区征地的补偿一直没给",),
         "范志国", "尧山镇", ("征地的补偿",), village="尧山村", people=5),
    Case("group-people-count", ("下汤镇社楼村二十几个村民联名反映，村支书卖集体的树，我是牵头的宋金山",), "宋金山", "下汤镇",
         ("卖集体的树",), village="社楼村", people=20),

    # --- SMS, short --------------------------------------------------------------------------
    Case("sms-terse", ("张官营镇张官营村 许大庆 低保",), "许大庆", "张官营镇", ("低保",), village="张官营村",
         known_wrong="a bare name among the words of a one-line text is not read without an introduction"),
    Case("sms-comma-list", ("姓名：邓丽君，地址：瓦屋镇瓦屋村，问题：村里的水质发黄",), "邓丽君", "瓦屋镇", ("水质发黄",),
         village="瓦屋村"),
    Case("sms-name-colon", ("我要反映", "名字叫曹雪芹", "背孜乡背孜村", "林权证上的面积不对"), "曹雪芹", "背孜乡",
         ("林权证",), village="背孜村"),
    Case("sms-then-thanks", ("我是仓头乡孙庄村的彭德怀，村里的路灯不亮", "谢谢"), "彭德怀", "仓头乡", ("路灯不亮",),
         village="孙庄村", not_in_story=("谢谢",)),
    Case("sms-why-phone", ("我要反映", "曾小贤", "为啥要电话", PHONE, "马楼乡王庄村", "邻里纠纷调解不公"), "曾小贤", "马楼乡",
         ("调解不公",), village="王庄村", channel="wechat", not_in_story=("为啥要电话",)),
    Case("sms-long-then-place", ("我要反映", "萧峰", "村里的干部把扶贫款挪用了，我有证据", "赵村镇赵村村"), "萧峰", "赵村镇",
         ("扶贫款挪用",), village="赵村村"),
    Case("sms-story-and-name-together", ("我要反映", "我叫任盈盈，俺家的麦子让收割机压坏了", "张良镇东许庄村"), "任盈盈",
         "张良镇", ("麦子让收割机压坏",), village="东许庄村"),
    Case("sms-village-first", ("我要反映", "苏大强", "林楼村", "承包的鱼塘被人投毒"), "苏大强", "下汤镇", ("鱼塘被人投毒",),
         village="林楼村"),
    Case("sms-township-with-county", ("鲁山县团城乡团城村的薛宝钗，家里的电表走得特别快",), "薛宝钗", "团城乡",
         ("电表走得特别快",), village="团城村"),
    Case("sms-place-in-story", ("我要反映", "夏雨荷", "四棵树乡", "天桥村", "去镇上的班车停了"), "夏雨荷", "四棵树乡",
         ("班车停了",), village="天桥村"),
    Case("sms-numbers-in-story", ("我叫杜子腾，家在辛集乡新庄村，2019年征的地，每亩3万的补偿只给了1万",), "杜子腾", "辛集乡",
         ("每亩3万的补偿只给了1万",), village="新庄村"),
    Case("wechat-one-shot-then-phone", ("我是观音寺乡黄土岭村的胡一刀，山上开矿的炮声把房子震裂了", "１３８ ３８７６ ５４３２"),
         "胡一刀", "观音寺乡", ("炮声把房子震裂",), village="黄土岭村", channel="wechat"),
    Case("wechat-story-at-phone", ("我是让河乡的葛优", "俺家的玉米地被水淹了，保险公司不赔", PHONE, "石门村"), "葛优", "让河乡",
         ("保险公司不赔",), village="石门村", channel="wechat"),
    Case("wechat-image-story", ("我要反映", "程蝶衣", PHONE, "露峰街道兴华社区", "楼下的饭店油烟太大"), "程蝶衣", "露峰街道",
         ("油烟太大",), village="兴华社区", channel="wechat"),
]
