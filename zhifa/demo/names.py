"""Obviously synthetic names for demo people and places: a surname, 某, and a serial number."""

import random

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"


class NameMaker:
    """Deterministic names like 王某017: plainly not real people, still readable in a list."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.serial = 0

    def person(self) -> str:
        self.serial += 1
        return f"{self.rng.choice(SURNAMES)}某{self.serial:03d}"

    def phone(self) -> str:
        # 1990-0000-0000 style numbers in a block no carrier issues, so nobody real is dialled.
        return f"1990{self.rng.randrange(10**7):07d}"
