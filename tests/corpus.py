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
    asks_matter: bool = False              # only announced at first: the bot asks what the matter is
    heard: tuple[str, ...] = ()            # said, not the matter, but kept on the case as a note
    replies: tuple[tuple[int, str], ...] = ()   # (message's index, words its answer must hold)
    after: tuple[tuple[str, str], ...] = ()     # after the number: (what they ask, words of the answer)


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
         ("宅基地证",), village="马楼村"),
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
    # --- issue 28: a rural Henan county's openings, names and questions after filing ----------
    # an opening that only announces, greets, asks whether one may, says who types or complains of
    # the delay: kept as a note, and the matter is asked for before the summary
    Case("announce-only", ("我要反映个事", "俺叫王铁蛋", "下汤镇林楼村", "村东头那口机井坏了半年了，麦子浇不上"), "王铁蛋",
         "下汤镇", ("机井坏了半年",), village="林楼村", not_in_story=("反映个事",), asks_matter=True,
         heard=("我要反映个事",)),
    Case("old-party-member-voice", ("同志你好 俺是老党员了 有个事想跟政府说说", "俺叫刘长顺", PHONE, "尧山镇上坪村",
                                    "村里评低保光评他们自家亲戚 真困难的户评不上"), "刘长顺", "尧山镇", ("评低保",),
         village="上坪村", channel="wechat", not_in_story=("老党员", "跟政府说说"), asks_matter=True,
         heard=("老党员",)),
    Case("beijing-and-years", ("俺明天就去北京上访，俺这事拖了三年了没人管", "俺叫郑老栓", "梁洼镇鹁鸽吴村",
                               "俺家的房子叫煤矿放炮震裂了，赔偿一直没给"), "郑老栓", "梁洼镇", ("房子叫煤矿放炮震裂",),
         village="鹁鸽吴村", not_in_story=("北京", "拖了三年"), asks_matter=True, heard=("拖了三年",)),
    Case("may-i-here", ("能在这反映问题不", "俺叫孙二妮", "辛集乡新庄村", "俺家承包的二亩地叫村里收回去了，也没给个说法"),
         "孙二妮", "辛集乡", ("二亩地叫村里收回去",), village="新庄村", not_in_story=("能在这",), asks_matter=True,
         heard=("能在这反映问题不",)),
    Case("typing-for-dad", ("俺替俺爹打的字 俺爹叫李老栓", PHONE, "马楼乡王庄村", "俺爹的养老金从今年三月就没到账"),
         "李老栓", "马楼乡", ("养老金从今年三月就没到账",), village="王庄村", channel="wechat",
         not_in_story=("打的字",), asks_matter=True, heard=("替俺爹打的字",)),
    Case("years-no-result", ("俺这事都拖了好几年了 到现在也没个结果", "俺是赵村镇中汤村的周满仓", "俺家的宅基地叫邻居占了一半"),
         "周满仓", "赵村镇", ("宅基地叫邻居占了一半",), village="中汤村", channel="tencent",
         not_in_story=("拖了好几年",), asks_matter=True, heard=("拖了好几年",)),
    Case("asks-if-it-can", ("领导好 恁好 俺想问问 俺这个情况能不能反映", "俺叫冯大妮", "观音寺乡观音寺村",
                            "俺男人在工地上摔断了腿 包工头不给钱看病"), "冯大妮", "观音寺乡", ("摔断了腿", "不给钱看病"),
         village="观音寺村", not_in_story=("能不能反映",), asks_matter=True),
    Case("few-words-at-a-time", ("喂", "恁好", "俺想反映点事", "俺是董周乡上董周村嘞", "俺叫杜二孬", "俺村那个桥",
                                 "去年发大水冲塌了", "到现在还没修"), "杜二孬", "董周乡", ("桥", "冲塌了", "还没修"),
         village="上董周村", not_in_story=("反映点事",), asks_matter=True),
    Case("typing-for-grandpa", ("俺是替俺爷问的 俺爷不会用手机", "俺爷叫贾长庚", PHONE, "背孜乡背孜村",
                                "俺爷是老退伍兵 优抚金今年一直没发"), "贾长庚", "背孜乡", ("优抚金今年一直没发",),
         village="背孜村", channel="wechat", not_in_story=("不会用手机",), asks_matter=True),
    Case("is-this-the-bureau", ("恁好 这是信访局不", "俺是仓头乡孙庄村的陈桂兰",
                                "俺家的低保今年叫取消了 俺老头子瘫床上好几年了 日子过不下去"), "陈桂兰", "仓头乡",
         ("低保今年叫取消", "日子过不下去"), village="孙庄村", channel="tencent", not_in_story=("信访局不",),
         asks_matter=True),
    Case("announce-after-name", ("领导你好，俺是瓦屋镇李老庄村的贺三娃，有个事想反映一下", "村里修路把俺家的坟地给推了，也没人来说一声"),
         "贺三娃", "瓦屋镇", ("坟地给推了",), village="李老庄村", not_in_story=("想反映一下",), asks_matter=True,
         heard=("有个事想反映一下",)),
    Case("announce-run-into-matter", ("俺要反映个事俺村的垃圾堆成山了没人拉", "俺叫石磙", "辛集乡辛集村"), "石磙", "辛集乡",
         ("垃圾堆成山了没人拉",), village="辛集村", not_in_story=("反映个事",)),
    Case("greeting-then-a-thing-then-all", ("恁好", "俺有个事", "俺是张官营镇前营村的聂大牛 电话13838765432 "
                                            "俺家的麦地叫修高速的占了 补偿到现在没见着"), "聂大牛", "张官营镇",
         ("麦地叫修高速的占了", "补偿到现在没见着"), village="前营村", channel="wechat",
         not_in_story=(PHONE, "有个事")),
    # a person asks for a person in their own words, and goes on petitioning
    Case("wants-a-real-person", ("有人吗？俺要找个真人说话，这机器说不明白", "俺是团城乡煤场村的田老五，俺村的路叫拉煤车压烂了"),
         "田老五", "团城乡", ("路叫拉煤车压烂了",), village="煤场村", replies=((0, "0375-5051234"), (0, "工作日"))),
    Case("real-person-mid-intake", ("我要反映", "恁这机器说不明白，俺要找个真人说话", "俺叫胡老四", "让河乡让河村",
                                    "村里的低保名额叫村主任给他亲戚了"), "胡老四", "让河乡", ("低保名额",),
         village="让河村", channel="tencent", replies=((1, "0375-5051234"), (1, "怎么称呼"))),
    # names said the way people say them
    Case("one-of-the-representatives", ("我是代表之一，叫孙学文，俺们张良镇张良村四十多户的征地补偿款到现在没发",), "孙学文",
         "张良镇", ("征地补偿款到现在没发",), village="张良村", people=40),
    Case("name-is", ("我要反映", "名字是马春生", "仓头乡仓头村", "村里的路灯一个也不亮"), "马春生", "仓头乡",
         ("路灯一个也不亮",), village="仓头村"),
    Case("old-so-and-so-of-the-village", ("俺是林楼村的老张，村里的桥塌了一年了没人修",), "老张", "下汤镇", ("桥塌了一年",),
         village="林楼村"),
    Case("surname-then-name-voice", ("俺姓韩 叫韩留柱 瓦屋镇瓦屋村的 俺村的河道叫人挖沙挖成大坑了",), "韩留柱", "瓦屋镇",
         ("挖沙挖成大坑",), village="瓦屋村"),
    Case("just-call-me", ("我要反映", "俺就是柴二虎", "马楼乡马楼村", "俺家的羊叫人药死了三只"), "柴二虎", "马楼乡",
         ("羊叫人药死了三只",), village="马楼村", channel="tencent"),
    # numbers typed inside the story: out of the matter's words
    Case("phone-in-the-story", ("我叫曹金花，尧山镇尧山村的，景区施工把俺家的水管挖断了，电话13838765432，都半个月了",),
         "曹金花", "尧山镇", ("水管挖断了", "都半个月了"), village="尧山村", channel="wechat", not_in_story=(PHONE,)),
    Case("id-in-the-story", ("我是熊背乡熊背村的江秀梅，身份证号410423196502143326，俺的残疾证办了一年还没下来",), "江秀梅",
         "熊背乡", ("残疾证办了一年还没下来",), village="熊背村", not_in_story=("410423196502143326",)),
    Case("son-types-one-long-message", ("俺是替俺娘发的 俺娘叫高秀英 今年七十三了 住在熊背乡大年沟村 "
                                        "俺娘的高龄补贴从去年就停了 有啥事打俺电话13838765432",), "高秀英", "熊背乡",
         ("高龄补贴从去年就停了",), village="大年沟村", not_in_story=(PHONE, "替俺娘发的"), heard=("替俺娘发的",)),
    # a delay or a plea said with the matter is part of it
    Case("delay-with-the-matter", ("俺是背孜乡杨家庄村的程老汉，俺村的自来水管子冻裂了，拖了俩月了没人管",), "程老汉", "背孜乡",
         ("自来水管子冻裂了", "拖了俩月了没人管"), village="杨家庄村"),
    Case("plea-with-the-matter", ("我是马楼乡马楼村的葛翠兰，俺儿在砖厂干活的工钱一年没给，请领导给俺做主",), "葛翠兰", "马楼乡",
         ("工钱一年没给", "请领导给俺做主"), village="马楼村", channel="tencent"),
    # after the number: the question is answered from the case, no new petition
    Case("when-will-someone-come", ("我是下汤镇社楼村的秦大娘，俺家门口的排水沟堵死了，一下雨就淹",), "秦大娘", "下汤镇",
         ("排水沟堵死了",), village="社楼村", after=(("好的，谢谢你们，啥时候有人来？", "见面"),
                                                     ("好的，谢谢你们，啥时候有人来？", "下汤镇"))),
    Case("whom-to-see", ("我是尧山镇想马河村的牛春生，村里的学校合并了，孩子上学得走十里地", "13838765432"), "牛春生",
         "尧山镇", ("学校合并了",), village="想马河村", channel="wechat", after=(("找谁", "尧山镇"),)),
    Case("how-long", ("俺是梁洼镇梁洼村的杨二嫂 俺家的煤改电补贴到现在没发下来",), "杨二嫂", "梁洼镇", ("煤改电补贴",),
         village="梁洼村", channel="tencent", after=(("多久能办", "办结"), ("那俺这事找谁管", "梁洼镇"))),
    Case("thanks-and-word-when", ("我是琴台街道花园社区的董红霞，小区的化粪池满了往外冒，物业不管",), "董红霞", "琴台街道",
         ("化粪池满了往外冒",), village="花园社区", after=(("谢谢恁 俺想问问啥时候能有个准信", "办结"),)),
]
