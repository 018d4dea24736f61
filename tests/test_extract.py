"""Reading who / where / what from free text (pure functions)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.county import parse_county_file
from core.directory.places import Gazetteer
from handlers.commands import parse
from handlers.extract import clean_name, extract, is_greeting
from core.cases.similar import similarity
from tests.conftest import EXAMPLE


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    data = parse_county_file(EXAMPLE)
    townships = [(i, t["name"]) for i, t in enumerate(data["townships"], 1)]
    villages = [(i * 100 + k, i, v) for i, t in enumerate(data["townships"], 1) for k, v in enumerate(t["villages"])]
    return Gazetteer(townships, villages)


@pytest.mark.parametrize("text,place", [
    ("下汤", "下汤镇"), ("下汤镇", "下汤镇"), ("林楼", "下汤镇林楼村"), ("下汤村", "下汤镇下汤村"),
    ("尧山镇上坪村", "尧山镇上坪村"), ("三官庙", "磙子营乡三官庙村"), ("鲁阳", "鲁阳街道"),
])
def test_places_tolerate_partial_names(gaz, text, place):
    assert gaz.match(text).unique.label() == place


def test_ambiguous_and_unknown_places(gaz):
    assert [p.label() for p in gaz.match("张").places] == ["张官营镇", "张良镇"]
    assert gaz.match("北京").places == []
    assert gaz.match("").places == []


def test_everything_at_once(gaz):
    found = extract("我是下汤镇的张三，小区水泵坏了三天没水", gaz)
    assert (found.name, found.place.unique.label(), found.content) == ("张三", "下汤镇", "小区水泵坏了三天没水")
    found = extract("我叫李四，电话138 1234 5678，住在尧山镇上坪村，村里的路坏了没人修", gaz)
    assert (found.name, found.phone, found.place.unique.label(), found.content) == \
        ("李四", "+8613812345678", "尧山镇上坪村", "村里的路坏了没人修")
    found = extract("我是下汤镇村民，水泵坏了", gaz)
    assert found.name is None and found.content == "水泵坏了"


def test_names_and_greetings():
    assert clean_name("张三") == "张三" and clean_name("我叫欧阳小明。") == "欧阳小明"
    assert clean_name("村民") is None and clean_name("13812345678") is None
    assert is_greeting("你好！") and not is_greeting("你好，水泵坏了")


def test_commands():
    assert parse("查询").name == "query" and parse("查询 LS-20261122-0001").tracking_no == "LS-20261122-0001"
    cmd = parse("补充 LS-20261122-0001 又停水了")
    assert (cmd.name, cmd.tracking_no, cmd.rest) == ("supplement", "LS-20261122-0001", "又停水了")
    assert parse("查询一下我的低保怎么还没发") is None  # a sentence, not a command
    assert parse("123456").name == "code" and parse("1234567") is None


def test_similarity():
    assert similarity("小区水泵坏了三天没水", "小区水泵还是坏的，一直没水") > 0.35
    assert similarity("小区水泵坏了三天没水", "村里道路塌陷无法通行") < 0.2


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_extraction_never_crashes_and_content_comes_from_the_text(gaz, text):
    found = extract(text, gaz)
    if found.content:
        for clause in found.content.split("，"):
            assert clause in text


# issue 28: what an opening says — a matter, or only that there is one
@pytest.mark.parametrize("text", [
    "我要反映个事", "同志你好 俺是老党员了 有个事想跟政府说说", "能在这反映问题不", "俺替俺爹打的字",
    "俺这事拖了三年了没人管", "这事儿俺说了好几回了没人理", "俺这个事都找了八回了", "领导，这事您得管管",
    "恁好 这是信访局不", "俺想问问 俺这个情况能不能反映", "有人吗？俺要找个真人说话，这机器说不明白",
])
def test_an_opening_that_only_announces_has_no_matter_but_is_heard(gaz, text):
    found = extract(text, gaz)
    assert found.content is None and found.heard, (text, found)


@pytest.mark.parametrize("text,matter", [
    ("俺要反映村里的路坏了", "俺要反映村里的路坏了"),               # 反映 with what: the matter
    ("我要举报村支书贪污", "我要举报村支书贪污"),
    ("俺被人打了", "俺被人打了"), ("房子塌了", "房子塌了"),           # short, but an act and a loss
    ("村主任不管事", "村主任不管事"), ("喝农药中毒的牛", "喝农药中毒的牛"),
    ("能不能给俺家评个低保", "能不能给俺家评个低保"),                 # asks, but for a thing
    ("你们这儿管不管拖欠工资的事", "你们这儿管不管拖欠工资的事"),
    ("有个事：村里的井坏了", "村里的井坏了"),                         # the announcement comes off
    ("俺要反映个事俺村的垃圾堆成山了没人拉", "俺村的垃圾堆成山了没人拉"),   # voice input, run together
    ("同志你好，俺有个事，俺家的低保叫停了", "俺家的低保叫停了"),
    ("俺村的自来水管子冻裂了，拖了俩月了没人管", "俺村的自来水管子冻裂了，拖了俩月了没人管"),   # the delay is its
    ("工钱一年没给，请领导给俺做主", "工钱一年没给，请领导给俺做主"),
])
def test_a_matter_is_heard_with_or_without_an_announcement(gaz, text, matter):
    assert extract(text, gaz).content == matter


@pytest.mark.parametrize("text,name", [
    ("我是代表之一，叫孙学文，俺们村的补偿款没发", "孙学文"), ("俺就是柴老六", "柴老六"),
    ("俺是林楼村的老张，村里的桥塌了", "老张"), ("俺姓韩 叫韩留柱 俺村的河道叫人挖了", "韩留柱"),
    ("俺替俺爹打的字 俺爹叫李老栓", "李老栓"), ("名字是马春生", "马春生"),
])
def test_names_as_people_give_them(gaz, text, name):
    assert extract(text, gaz).name == name


def test_a_name_answered_for_a_parent_and_a_number_that_is_someone_elses(gaz):
    assert clean_name("俺爷叫贾长庚") == "贾长庚" and clean_name("俺就是柴老六") == "柴老六"
    assert extract("村支书的电话13912345678，他把低保给了自家亲戚", gaz).phone is None
    assert extract("工资没给，有事打俺电话13912345678", gaz).phone == "+8613912345678"


def test_numbers_typed_into_the_story_are_taken_out_of_its_words():
    from core.phones import without_numbers
    assert without_numbers("景区施工把水管挖断了，电话13838765432，都半个月了") == "景区施工把水管挖断了，都半个月了"
    assert without_numbers("身份证号410423196502143326，残疾证办了一年") == "残疾证办了一年"
    assert without_numbers("工资没给 手机１３８ ３８７６ ５４３２") == "工资没给"
    assert without_numbers("每亩3万的补偿只给了1万") == "每亩3万的补偿只给了1万"


# issue 32: a group is people who come or speak together; a count only mentioned is one person's
@pytest.mark.parametrize("text,people", [
    ("我们一百多户一起来的，征地款没给", 100), ("俺们二十多个人来了，工钱没给", 20),
    ("我是三十多户村民推选的代表，村里的账不公开", 30), ("俺们五个代表想去县里上访", 5),
    ("咱们八个人都在信访局门口", 8), ("十几户联名反映村主任卖地", 10),
    ("俺们村六十来户人家来上访的，水库移民款没发", 60),
    ("村里一百多户都没通水", None), ("俺村二百多户就一条路，叫拉沙车压断了", None),
    ("我们小区三百多户，物业乱收费", None), ("矿上塌方死了三个人，俺男人是其中一个", None),
    ("俺们组十来户搬到新村了，俺家的房子漏水", None), ("全村四十多户的麦子都淹了，就俺家没赔", None),
])
def test_a_group_is_those_who_come_together_not_those_mentioned(gaz, text, people):
    assert extract(text, gaz).people == people


@pytest.mark.parametrize("text,name", [
    ("俺是张良镇张良村哩村民刘满仓，俺家的地叫人占了", "刘满仓"),              # 哩, and what they are
    ("我是汇源街道汇源社区居民崔玉珍，楼上漏水", "崔玉珍"),
    ("俺叫吕秋生俺是马楼乡马楼村的俺家的牛丢了", "吕秋生"),                     # voice input, run together
    ("俺是下汤镇下汤村的范二宝就是想问问俺家的补贴", "范二宝"),
    ("我是仓头乡仓头村的 韦春梅 俺家的井塌了", "韦春梅"),                       # paused with spaces
    ("牛得旺，梁洼镇梁洼村，村口的桥塌了", "牛得旺"), ("村里的路叫大车压烂了 —— 焦玉林", "焦玉林"),   # signed
    ("熊背乡熊背村 郝长江 俺村没信号", "郝长江"), ("我邓春生，瓦屋镇瓦屋村，低保被停", "邓春生"),
    ("背孜乡背孜村申大勇反映：河堤塌了", "申大勇"),
    ("我是她闺女帮她打的字 我娘叫孔秀英 低保停了", "孔秀英"),                   # typed for a relative
    ("俺替俺家掌柜的说 他叫马石头 腰摔断了 老板不给钱", "马石头"),
    ("我叫王浩，替我奶奶王桂兰反映，她的养老金停了", "王桂兰"),
    ("俺姥姥让俺给恁发的 俺姥姥叫杜翠英 房子漏雨", "杜翠英"),
    ("俺是辛集乡辛集村的支书说俺不能评低保俺叫秦二狗", "秦二狗"),             # the secretary is not the writer
])
def test_names_in_other_hands(gaz, text, name):
    assert extract(text, gaz).name == name


@pytest.mark.parametrize("text", ["房子漏，下汤镇下汤村", "下汤镇下汤村，路塌了", "林楼村 地叫占了"])
def test_a_short_matter_beside_the_place_is_no_name(gaz, text):
    assert extract(text, gaz).name is None


def test_a_question_put_to_us_is_heard_and_a_workplace_is_not_home(gaz):
    found = extract("恁到底管不管？俺是尧山镇尧山村的范老汉，俺家的羊叫人偷了", gaz)
    assert found.content == "俺家的羊叫人偷了" and found.heard == ["恁到底管不管"]
    assert extract("这里能告村干部不", gaz).content is None
    found = extract("我是董周乡董周村的，在鲁阳街道上班，叫白小燕，俺家的地叫村里收了", gaz)
    assert found.place.unique.label() == "董周乡董周村" and found.name == "白小燕"


# a second batch written after the first change (10 of 18 read right before this one)
@pytest.mark.parametrize("text,name,place,matter,people", [
    ("俺是下汤镇林楼村二组的村民王水生，俺家的地叫修路的占了", "王水生", "下汤镇林楼村", "叫修路的占了", None),
    ("我姓李叫李春水 住在赵村镇中汤村 俺家的水井塌了", "李春水", "赵村镇中汤村", "水井塌了", None),
    ("您好我是琴台街道琴台社区的退休职工赵桂芝我的退休金少发了三个月", "赵桂芝", "琴台街道琴台社区", "退休金少发了三个月", None),
    ("我是仓头乡孙庄村的小学老师刘晓燕，学校的营养餐被克扣了", "刘晓燕", "仓头乡孙庄村", "营养餐被克扣了", None),
    ("本人姓名：孔德明，住址：马楼乡王庄村，事由：宅基地纠纷村里调解不公", "孔德明", "马楼乡王庄村", "宅基地纠纷", None),
    ("俺爹今年八十了，俺是他闺女，俺爹叫郑老实，住熊背乡熊背村，他的五保金叫村里扣了", "郑老实", "熊背乡熊背村",
     "五保金叫村里扣了", None),
    ("我们十几家联名反映，董周乡董周村村委会私卖集体土地，联系人吴长林", "吴长林", "董周乡董周村", "私卖集体土地", 10),
    ("我是四棵树乡天桥村的党员代表马国强，村里换届选举拉票", "马国强", "四棵树乡天桥村", "换届选举拉票", None),
    ("俺们二十多户一块找过乡里了没人管，俺是代表葛青山，让河乡石门村的，村里的水库移民款没发", "葛青山", "让河乡石门村",
     "水库移民款没发", 20),
    ("村里五十多户的麦子都叫冰雹打了，俺家也是，俺叫何满仓，团城乡团城村", "何满仓", "团城乡团城村", "冰雹打了", None),
    ("矿上欠了俺们十几个工人的工资，俺是其中一个，俺叫龚大牛，梁洼镇鹁鸽吴村", "龚大牛", "梁洼镇鹁鸽吴村",
     "欠了俺们十几个工人的工资", None),
])
def test_a_second_batch_in_other_hands(gaz, text, name, place, matter, people):
    found = extract(text, gaz)
    assert (found.name, found.place.unique.label(), found.people) == (name, place, people)
    assert matter in found.content


@pytest.mark.parametrize("text,name", [
    ("俺叫二蛋 大名叫王建国 张官营镇前营村的 村里的坑塘叫人填了盖房", "王建国"),       # the name on one's papers
    ("大家都叫俺二蛋 其实俺叫黎大富 尧山镇上坪村的 俺家的补贴三年没发", "黎大富"),
    ("俺公公叫郝老根 背孜乡背孜村的 俺公公的优抚补助停了一年了", "郝老根"),          # named for, nobody else named
    ("俺叫孙桂芝 俺闺女帮俺打的字 俺老伴叫刘大山 去年走了", "孙桂芝"),                 # typed for the writer
    ("领导你好我是瓦屋镇瓦屋村村民叫鲁大成我们村的河道叫人挖沙挖成大坑了", "鲁大成"),   # voice, run on
    ("我叫柏长青家在团城乡煤场村村里的煤矿把俺家的地挖塌了", "柏长青"),
    ("我是 孟 凡 荣", "孟凡荣"),
])
def test_whose_name(gaz, text, name):
    assert extract(text, gaz).name == name


@pytest.mark.parametrize("text,name", [
    ("俺叫 王 二 妮", "王二妮"), ("俺叫刘 刘长水", "刘长水"), ("那就叫俺老周吧", "老周"), ("叫我老马就行", "老马"),
])
def test_names_spaced_stuttered_or_allowed(text, name):
    assert clean_name(text) == name


def test_talk_about_the_name_is_no_matter(gaz):
    found = extract("大家都叫俺二蛋 其实俺叫黎大富 俺家的退耕还林补贴三年没发", gaz)
    assert found.content == "俺家的退耕还林补贴三年没发"
    assert extract("俺姓赵 赵钱孙李的赵 叫赵大年", gaz).content is None


@pytest.mark.parametrize("text", ["俺是替俺妈打字的 俺妈不识字", "俺在外地打工 替俺爹问个事", "打恁电话一直没人接"])
def test_who_types_and_why_is_no_matter(gaz, text):
    found = extract(text, gaz)
    assert found.content is None and found.heard


@pytest.mark.parametrize("text,people", [
    ("俺是下汤镇林楼村的霍春生 俺们一家五个人一块挤在两间漏雨的土坯房里", None),   # together, but not here
    ("俺这栋楼四十户一起走一个楼梯 楼梯扶手断了物业也不修", None),
    ("我们马楼乡王庄村一百多户一起来的，村里的地被开发商占了", 100),
    ("俺们梁洼镇梁洼村八户人家一块来反映，煤矿排的污水把井都污染了", 8),
])
def test_a_group_comes_or_speaks_together(gaz, text, people):
    assert extract(text, gaz).people == people


def test_a_plea_at_the_end_is_the_matter(gaz):
    found = extract("我是辛集乡新庄村的邵春花，俺男人出车祸走了，肇事的跑了，帮帮俺吧", gaz)
    assert found.content.endswith("帮帮俺吧")


@pytest.mark.parametrize("text,place", [
    ("滚子营乡", "磙子营乡"), ("滚子营", "磙子营乡"), ("雄背乡", "熊背乡"), ("让和乡让和村", "让河乡让河村"),
    ("俺是雄背乡的江满囤 俺家的核桃树叫修路的推了", "熊背乡"), ("三关庙", "磙子营乡三官庙村"), ("脖个吴", "梁洼镇鹁鸽吴村"),
])
def test_places_heard_as_homophones(gaz, text, place):
    assert gaz.match(text).unique.label() == place


@pytest.mark.parametrize("text", ["俺下趟再来", "夏堂", "后街"])
def test_homophones_make_no_place_of_other_words(gaz, text):
    assert gaz.match(text).places == []
