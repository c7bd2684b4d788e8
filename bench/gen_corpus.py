#!/usr/bin/env python3
"""Write a synthetic corpus of article files shaped like ../seeds/, for benchmarks and scale tests.

Copied verbatim from shared/tools/gen_corpus.py; this paragraph is the only change.

    python gen_corpus.py --n N --out DIR [--seed S] [--manifest FILE]

Stdlib only, deterministic: the same N and seed give byte-identical files, names and mtimes.

What it models (from the five real seeds):
- ~70% of files open with YAML front matter in three styles: the "qq" style of 000/004 (every value
  quoted, "YYYY-MM-DD HH:MM:SS" dates, lang/translations/categories/tags as block lists, extra keys
  menu/thumbnail/sidebar/widgets), the essay style of 002 (unquoted values, ISO dates with offsets,
  draft/featured_image/main_topics, no lang key) and a compact style with flow lists (lang: ["zh-CN"]).
- ~30% have no front matter: half start with a title line (003), half with no title at all (001).
- Languages: Simplified Chinese, Traditional Chinese, Portuguese, English. Text is recombined from
  sentences and clauses of the seeds (the Traditional pool keeps 001's pinyin annotations in some
  files); the English pool is written here.
- Bodies of 2-12 KB with the seeds' markup: bold or ### headings, whitespace-only lines, images,
  footnotes, bullet lists, a trailing source link like [qq](https://new.qq.com/...), files with and
  without a final newline, the odd no-break space.
- ~300 tags (CJK ones, ones with spaces and capitals, case variants such as AI/ai) drawn Zipf-like.
- ~5% of files are copies of another file's article under a different name (half exact, half with
  different whitespace or NFD), ~3% carry their body pasted twice, ~5% are named .md.

--manifest FILE writes one JSON line per file with the ground truth (language, tags, title,
duplicate-of, doubled) for checking a tool's output; the corpus folder holds article files only.
Its "date" is the true instant in UTC; the "qq" style writes it as Beijing wall time without a
zone (as 000/004 appear to), and every file's mtime is set to that instant.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import sys
import time
import unicodedata
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

LANG_WEIGHTS = {"zh-CN": 40, "zh-TW": 15, "pt": 20, "en": 25}
FRONT_MATTER_SHARE = 0.70
DUPLICATE_SHARE = 0.05
DOUBLED_SHARE = 0.03
MD_SHARE = 0.05
MIN_BODY, MAX_BODY = 2048, 12288
EPOCH_START = 1672531200  # 2023-01-01T00:00:00Z
EPOCH_SPAN = 3 * 365 * 86400

# --- text pools -----------------------------------------------------------------------------

ENGLISH = """\
Shanghai will host the global developer conference from February 21 to 23, organizers said on Friday.
The event brings together open-source communities, chip makers and cloud providers under one roof.
Organizers expect more than thirty thousand developers to attend in person this year.
The city's artificial intelligence industry passed 450 billion yuan in market size last year.
Large language models now sit at the center of most product road maps in the region.
Several start-ups used the stage to release open weights for their newest models.
Analysts say the price of inference has fallen faster than anyone predicted two years ago.
The conference program covers compute, training data, tooling and software platforms.
Hackathons and coding challenges run in parallel with the main keynote sessions.
A new track this year focuses on embodied intelligence and humanoid robots.
Industry leaders argued that applications, not benchmarks, will decide the next phase of competition.
Open-source projects lowered the barrier to entry for small teams and universities.
Cloud providers announced that the new models are available on their platforms from today.
Domestic chip makers said their accelerators already support the most popular open models.
Regulators are drafting rules on data governance, safety testing and model registration.
Investors remain cautious, and many early-stage companies describe the market as a funding winter.
The organizers also launched a talent program for young developers and graduate students.
Demonstrations ranged from autonomous driving to protein design and weather forecasting.
Speakers warned that compute is not a moat and that proprietary data matters more.
The host city wants to become a global center for artificial intelligence innovation.
More than eighty large models have passed the national registration process so far.
A panel on governance discussed safety standards, ethics review boards and international cooperation.
Developers praised the new tools but asked for clearer licenses and better documentation.
The forum ended with an award ceremony for the best student projects.
Hardware vendors showed smart glasses, AI laptops and a new generation of phones.
Several universities signed agreements to share training data with local companies.
The mayor said the city will keep supporting research, start-ups and open-source communities.
Critics argue that the rush to deploy models leaves too little time for careful evaluation.
One founder said her team trained a competitive model for a fraction of the usual budget.
The exhibition hall was crowded from the first morning, with long queues at the robot booths.
Experts expect agents that plan and act on their own to reach enterprise software within two years.
The report notes that demand for data centers will keep growing through the end of the decade.
Local officials promised faster approvals for pilot projects in healthcare, finance and education.
A consortium of companies will publish an open benchmark for Chinese and English tasks.
The keynote stressed that artificial intelligence must remain safe, open and inclusive.
Attendance from overseas rose sharply, with delegations from twenty-nine countries and regions.
Smaller companies say access to affordable compute is still their biggest obstacle.
The new model family includes versions for coding, mathematics and image understanding.
A government fund will invest in companies from the seed stage to maturity.
Observers noted that the conference has grown from a regional meeting into a global event.
Researchers presented work on long-context reasoning, retrieval and efficient fine-tuning.
Several speakers called for common rules on transparency and content labeling.
The organizers said next year's edition will add a track on scientific discovery.
Robotics companies showed machines that fold laundry, sort parcels and climb stairs.
Many visitors said they came to see what the new open models can actually do.
The city plans to double its public compute capacity by the end of next year.
An industry association will coordinate standards for data labeling and quality control.
Teams from the automotive sector explained how they use models to test driving software.
Local media described the event as a sign of confidence in the technology sector.
The next round of the developer competition opens for registration in the spring.
"""

ENGLISH_HEADINGS = [
    "What developers will talk about",
    "A new normal",
    "New opportunities",
    "New challenges",
    "Compute, data and models",
    "From the lab to the factory",
    "Governance and safety",
    "Open source takes the lead",
    "What comes next",
    "The numbers",
    "Money and talent",
]

PT_HEADINGS = [
    "Ver também",
    "Novas oportunidades",
    "Desafios",
    "Código aberto",
    "O que vem a seguir",
    "Investimento e talentos",
]

ZH_TW_SIGNATURES = ["編輯:遲明緒", "編輯:林嘉怡", "責任編輯:陳志明", "編輯:黃雅婷"]
ZH_CN_SIGNATURES = ["上游新闻记者 杨昕华", "封面新闻记者 王越", "责任编辑：李然", "记者 陈强"]
EN_SIGNATURES = ["Edited by Anna Lee", "Reporting by Wei Chen; editing by Mark Hall", "Staff writer"]
PT_SIGNATURES = ["Fonte: Diário do Povo Online", "Com informações da Xinhua", "Redação"]

SOURCES = {  # category/source key -> link pattern for the trailing source line
    "qq": "https://new.qq.com/rain/a/{d}A{h6}00",
    "sina": "https://news.sina.com.cn/o/{dash}/doc-{h12}.shtml",
    "36kr": "https://www.36kr.com/p/{n13}",
    "shkjb": "https://www.shkjb.com/content.html?id={n6}",
    "people": "https://portuguese.people.com.cn/n3/{slashdate}/c309806-{n8}.html",
    "xinhua": "https://english.news.cn/{d}/{h32}/c.html",
    "pingwest": "https://www.pingwest.com/a/{n6}",
}
SOURCES_BY_LANG = {
    "zh-CN": ["qq", "qq", "qq", "sina", "36kr", "shkjb", "pingwest"],
    "zh-TW": ["qq", "sina", "36kr"],
    "pt": ["people", "people", "xinhua"],
    "en": ["xinhua", "xinhua", "36kr", "pingwest"],
}

# Tag vocabulary: per language plus shared names; order within a list is the Zipf rank.
TAGS_ZH_CN = """人工智能 大模型 具身智能 产业生态 AI治理 上海WAIC 算力 语料 开源 芯片 云计算 大数据 物联网 机器人
区块链 元宇宙 自动驾驶 智能终端 科学智能 医疗 金融 教育 人形机器人 数据要素 智慧城市 工业互联网 智能制造 低空经济
新质生产力 数字经济 科技创新 国产芯片 半导体 数据中心 算法 深度学习 机器学习 自然语言处理 计算机视觉 多模态 智能体
生成式AI 大语言模型 开发者 开源社区 创业 投融资 风险投资 政策 监管 伦理 隐私 网络安全 信息安全 5G 6G 卫星互联网
新能源汽车 智能网联汽车 电商 直播 短视频 游戏 电子竞技 科技观察 产业观察 上游观察 封面新闻 上海 北京 深圳 杭州 重庆
浙江 乌镇 徐汇 浦东 长三角 粤港澳大湾区 全球治理 国际合作 人才 高校 科研 基础研究 蛋白质设计 气象大模型 量子计算
脑机接口 虚拟现实 增强现实 数字孪生 前沿模型与算法""".split()
TAGS_ZH_TW = """人工智慧 網際網路 世界互聯網大會 烏鎮峰會 數位經濟 開源 開源專案 智慧醫療 智慧製造 智慧終端 智聯出行 創新創業
數字之翼 網路安全 雲端運算 半導體產業 機器人 資料中心 演算法 深度學習 機器學習 生成式人工智慧 大型語言模型 電動車
自駕車 科技新聞 產業趨勢 國際合作 台灣 香港 澳門 新創公司 創投 數據治理 資訊安全 低空經濟 頒獎典禮 直通烏鎮大賽""".split()
TAGS_PT = [
    "Inteligência Artificial", "IA", "Xangai", "China", "Tecnologia", "Código Aberto",
    "Desenvolvedores", "Conferência", "Inovação", "Economia Digital", "Modelos de Linguagem",
    "Startups", "Investimento", "Indústria", "Governança", "Ética", "Educação", "Saúde",
    "Finanças", "Robótica", "Semicondutores", "Computação em Nuvem", "Dados", "Privacidade",
    "Segurança Cibernética", "Cooperação Internacional", "Brasil", "Portugal", "Ciência",
    "Pesquisa", "Mercado", "Empresas", "Governo", "Política", "Talentos", "Universidades",
    "Veículos Elétricos", "Energia", "Sustentabilidade", "Cidades Inteligentes", "Notícias",
    "Negócios", "Internet", "Aplicativos", "Hardware",
]  # fmt: skip
TAGS_EN = [
    "Artificial Intelligence", "Machine Learning", "Deep Learning", "Open Source",
    "Large Language Models", "LLM", "AI Policy", "AI Safety", "Robotics", "Humanoid Robots",
    "Semiconductors", "Cloud Computing", "Data Centers", "Startups", "Venture Capital", "China",
    "Shanghai", "Developers", "Conferences", "Tech News", "Industry", "Regulation", "Ethics",
    "Privacy", "Cybersecurity", "Autonomous Driving", "Electric Vehicles", "Quantum Computing",
    "Edge AI", "Embodied AI", "Generative AI", "Multimodal", "AI Agents", "Compute", "GPUs",
    "Benchmarks", "Research", "Science", "Healthcare", "Fintech", "Education", "Supply Chain",
    "Manufacturing", "Smart Cities", "Internet", "Mobile", "Gaming", "Hardware", "Software",
    "Programming", "Python", "Go", "Rust", "Linux", "Kubernetes", "Databases", "Web", "APIs",
    "Product Launch", "Funding", "Acquisitions", "Open Data", "Climate Tech", "Energy", "Policy",
    "Trade", "Geopolitics", "Opinion", "Analysis", "Interview",
]  # fmt: skip
TAGS_SHARED = [
    "AI", "DeepSeek", "qq", "ai", "DeepSeek-R1", "Qwen", "WAIC 2025", "Hunyuan", "Llama", "Gemma",
    "ChatGPT", "OpenAI", "Hugging Face", "StepFun", "Geely", "Huawei", "Tencent", "Alibaba",
    "Baidu", "ByteDance", "Xiaomi", "OPPO", "TCL", "openKylin", "CSDN", "WAIC", "WAIC 2023",
    "WAIC 2024", "GDC 2025", "AIGC", "AI Agent", "AI4S", "Deepseek", "sina", "36kr", "Tech",
    "tech", "TECH", "C++", "Node.js", "R&D", "AI & Society", "GPT-4o", "Claude", "Gemini",
    "Mistral", "NVIDIA", "Nvidia", "AMD", "Intel", "Apple", "Microsoft", "Google", "Meta",
]  # fmt: skip
TAGS_BY_LANG = {"zh-CN": TAGS_ZH_CN, "zh-TW": TAGS_ZH_TW, "pt": TAGS_PT, "en": TAGS_EN}
TITLE_SUFFIX = {
    "zh-CN": ["｜科技观察", "｜产业观察", "——兼论大模型的未来", "！", "？"],
    "zh-TW": ["｜科技觀察", "｜產業觀察", "——兼論大模型的未來", "！", "？"],
}
MAIN_TOPICS = ["产业生态与商业版图", "前沿模型与算法", "政策与治理", "应用与落地", "资本与人才"]

CJK_END = re.compile(r"(?<=[。！？])")
LATIN_END = re.compile(r"(?<=[.!?])\s+(?=[“\"A-ZÀ-Ý])")
HALF_WIDTH = str.maketrans({"，": ",", "；": ";", "：": ":"})
FOOTNOTE_REF = re.compile(r"\[\^\d+\]")
PINYIN = re.compile(r"\([a-zàáâãäāǎèéêëēěìíîïīǐòóôõöōǒùúûüūǔǖǘǚǜ]+\)")


def read_seed(name: str) -> str:
    """The seed's body: front matter, a title line and the trailing source link left out."""
    text = (SEEDS / name).read_text(encoding="utf-8")
    if text.startswith("---\n"):
        text = text.split("\n---\n", 1)[1]
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith(("[qq]", "[^"))]
    return "\n".join(lines)


def split_cjk(text: str) -> list[str]:
    out = []
    for line in FOOTNOTE_REF.sub("", text).splitlines():
        line = line.strip().lstrip(">*#- ").replace("**", "")
        for s in CJK_END.split(line):
            s = s.strip()
            if len(s) >= 8 and s[-1] in "。！？":
                out.append(s)
    return out


def split_latin(text: str) -> list[str]:
    out = []
    for line in text.splitlines():
        line = line.strip()
        for s in LATIN_END.split(line):
            s = s.strip()
            if len(s) >= 30 and s[-1] in ".!?”\"":
                out.append(s)
    return out


def clause_mix(rng: random.Random, sentences: list[str], sep: str, end: str, n: int) -> list[str]:
    """New sentences made of clauses of the given ones: more variety, same language."""
    clauses = []
    for s in sentences:
        for c in s.rstrip("。！？.!?”\"").split(sep):
            c = c.strip()
            if len(c) >= (4 if sep != ", " else 12):
                clauses.append(c)
    out = []
    for _ in range(n):
        parts = rng.sample(clauses, rng.randint(2, 4))
        s = sep.join(parts)
        if end == ".":
            s = s[0].upper() + s[1:]
        out.append(s + end)
    return out


class Pools:
    """Sentences, headings and titles per language, built once from the seeds."""

    def __init__(self, rng: random.Random) -> None:
        zh_cn = split_cjk("\n".join(read_seed(n) for n in ("000_343c217136dc0f52.txt",
                                                           "002_b2d43885ea254e28.txt",
                                                           "004_03038401cfc70408.txt")))  # fmt: skip
        tw_raw = read_seed("001_85c5616e57edde8b.txt")
        zh_tw = split_cjk(tw_raw.replace(",", "，").replace(";", "；").replace(":", "："))
        pt_raw = read_seed("003_d3ed8000c58bd57f.txt")
        pt = split_latin(pt_raw)
        en = [ln.strip() for ln in ENGLISH.splitlines() if ln.strip()]
        self.sentences = {
            "zh-CN": zh_cn + clause_mix(rng, zh_cn, "，", "。", 3 * len(zh_cn)),
            "zh-TW": zh_tw + clause_mix(rng, zh_tw, "，", "。", 8 * len(zh_tw)),
            "pt": pt + clause_mix(rng, pt, ", ", ".", 6 * len(pt)),
            "en": en + clause_mix(rng, en, ", ", ".", 2 * len(en)),
        }
        # 001 carries pinyin in brackets after Traditional characters and half-width punctuation
        # between CJK clauses; half the zh-TW files keep both quirks, half get clean text.
        self.tw_plain = [PINYIN.sub("", s) for s in self.sentences["zh-TW"]]
        self.sentences["zh-TW"] = [s.translate(HALF_WIDTH) for s in self.sentences["zh-TW"]]
        self.headings = {
            "zh-CN": re.findall(r"\*\*([^*\n]{2,20})\*\*", (SEEDS / "000_343c217136dc0f52.txt").read_text("utf-8")
                                + (SEEDS / "004_03038401cfc70408.txt").read_text("utf-8"))
            + [h.strip() for h in re.findall(r"^### (.+)$", (SEEDS / "002_b2d43885ea254e28.txt").read_text("utf-8"), re.M)],
            "zh-TW": [ln for ln in tw_raw.splitlines() if 3 <= len(PINYIN.sub("", ln)) <= 16],
            "pt": PT_HEADINGS,
            "en": ENGLISH_HEADINGS,
        }  # fmt: skip
        self.pt_lines = [ln[2:] for ln in pt_raw.splitlines() if ln.startswith("- ")]

    def title(self, rng: random.Random, lang: str) -> str:
        if lang == "pt" and rng.random() < 0.4:
            return rng.choice(self.pt_lines)
        s = rng.choice(self.sentences[lang]).rstrip("。！？.")
        if lang in ("zh-CN", "zh-TW"):
            parts = [p for p in re.split("[，；,;]", s) if len(p) >= 6] or [s]
            t = rng.choice(parts)[:28]
            if t.count("(") > t.count(")"):  # do not end inside a pinyin annotation
                t = t[: t.rindex("(")]
            if rng.random() < 0.3:
                t += rng.choice(TITLE_SUFFIX[lang])
            return t
        words = s.split()
        return " ".join(words[: rng.randint(5, 12)]).rstrip(",;:")


# --- tags, dates, links -----------------------------------------------------------------------


class TagPicker:
    """Zipf-like draws (weight 1/rank^1.1) from a language's tags merged with the shared names."""

    def __init__(self, rng: random.Random) -> None:
        self.lists = {}
        self.weights = {}
        for lang, own in TAGS_BY_LANG.items():
            merged = []
            shared = list(TAGS_SHARED)
            rng.shuffle(shared)
            for i, t in enumerate(own):  # interleave: 2 own, 1 shared
                merged.append(t)
                if i % 2 == 1 and shared:
                    merged.append(shared.pop())
            merged.extend(shared)
            self.lists[lang] = merged
            acc, cum = 0.0, []
            for rank in range(1, len(merged) + 1):
                acc += 1.0 / rank**1.1
                cum.append(acc)
            self.weights[lang] = cum

    def pick(self, rng: random.Random, lang: str) -> list[str]:
        k = rng.choice((1, 1, 2, 2, 3, 3, 3, 4, 4, 5, 6))
        drawn = rng.choices(self.lists[lang], cum_weights=self.weights[lang], k=k + 2)
        out = []
        for t in drawn:
            if t not in out:
                out.append(t)
        return out[:k]

    def vocabulary(self) -> list[str]:
        seen = []
        for lang in TAGS_BY_LANG:
            for t in self.lists[lang]:
                if t not in seen:
                    seen.append(t)
        return seen


def source_link(rng: random.Random, key: str, ts: int) -> str:
    t = time.gmtime(ts)
    hexd = "%032x" % rng.getrandbits(128)
    url = SOURCES[key].format(
        d=time.strftime("%Y%m%d", t),
        dash=time.strftime("%Y-%m-%d", t),
        slashdate=time.strftime("%Y%m/%d", t),
        h6=hexd[:6].upper(),
        h12=hexd[:12],
        h32=hexd,
        n6=rng.randint(100000, 999999),
        n8=rng.randint(10**7, 10**8 - 1),
        n13=rng.randint(10**12, 10**13 - 1),
    )
    return f"[{key}]({url})"


# --- bodies ---------------------------------------------------------------------------------


def make_body(rng: random.Random, pools: Pools, lang: str, flavor: str, target: int, ts: int,
              source: str) -> str:  # fmt: skip
    """Paragraphs of recombined sentences until about `target` UTF-8 bytes, in a seed's layout.

    flavor: "news" (000/004: blank-line paragraphs, bold headings, whitespace-only lines, image,
    trailing source link), "essay" (002: TL;DR quote, ### headings, footnotes, bullets),
    "wire" (001/003: single-newline paragraphs, short heading lines, signature or link list).
    """
    cjk = lang in ("zh-CN", "zh-TW")
    if lang == "zh-TW" and rng.random() < 0.5:
        pool = pools.tw_plain
    else:
        pool = pools.sentences[lang]
    joiner = "" if cjk else " "
    heads = pools.headings[lang]
    out: list[str] = []
    size = 0
    n_notes = 0
    if flavor == "essay":
        tl = "TL;DR：" if cjk else "TL;DR:"
        quote = joiner.join(rng.choices(pool, k=2))
        out.append(f"{tl}\n>{quote}\n")
        size += len(quote.encode())
    para_sep = "\n" if flavor == "wire" else "\n\n"
    while size < target:
        r = rng.random()
        if r < 0.08:
            h = rng.choice(heads)
            out.append(f"### {h}" if flavor == "essay" else (h if flavor == "wire" else f"**{h}**"))
            if flavor == "news" and rng.random() < 0.5:
                out.append("  \n")  # 000: lines holding two spaces between paragraphs
            continue
        if r < 0.11 and flavor == "news":
            out.append(f"![{'图片' if cjk else 'image'}](https://inews.gtimg.com/om_bt/{rng.getrandbits(64):016x}/641)")
            continue
        if r < 0.15 and flavor == "essay":
            items = rng.choices(pool, k=rng.randint(2, 4))
            lead = "：" if cjk else ": "
            out.append("\n".join(f"*   **{rng.choice(heads)}{lead}** {s}" for s in items))
            size += sum(len(s.encode()) for s in items)
            continue
        p = joiner.join(rng.choices(pool, k=rng.randint(1, 5)))
        if flavor == "essay" and rng.random() < 0.3:
            n_notes += 1
            p += f"[^{n_notes}]"
        if rng.random() < 0.02:
            p = p.replace(" ", "\u00a0", 1)  # 000 has no-break spaces inside the text
        out.append(p)
        size += len(p.encode())
    if flavor == "essay" and n_notes:
        notes = "\n".join(
            f"[^{i}]: [{rng.choice(pool)[:30]}](https://www.example.org/news/{rng.getrandbits(40):x}.html)"
            f"·{source}·2025/7/10·检索日期2025/7/11"
            for i in range(1, n_notes + 1)
        )
        out.append(("## 引用" if cjk else "## References") + "\n" + notes)
    tail = rng.random()
    if flavor == "wire" and lang == "pt" and tail < 0.5:
        out.append("Ver também\n" + "\n".join("- " + s for s in rng.sample(pools.pt_lines, 3)))
    elif tail < 0.45 and flavor != "essay":
        sig = {"zh-CN": ZH_CN_SIGNATURES, "zh-TW": ZH_TW_SIGNATURES, "pt": PT_SIGNATURES,
               "en": EN_SIGNATURES}[lang]  # fmt: skip
        out.append(rng.choice(sig))
    if flavor == "news" or (tail > 0.7 and flavor == "wire"):
        out.append(source_link(rng, source, ts))
    return para_sep.join(out)


# --- front matter ---------------------------------------------------------------------------

YAML_PLAIN_BAD = re.compile(r"^[-?:,\[\]{}#&*!|>'\"%@`\s]|: |\s#|[\x00-\x1f]|\s$")


def q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def plain(s: str) -> str:
    """A YAML plain scalar where that is safe (as 002 writes them), else a quoted one."""
    if YAML_PLAIN_BAD.search(s) or s.lower() in ("true", "false", "null", "yes", "no", "on", "off", "~"):
        return q(s)
    return s


def lang_code(rng: random.Random, lang: str) -> str:
    return lang.lower() if rng.random() < 0.1 else lang


def first_text(body: str, n: int) -> str:
    for line in body.splitlines():
        line = line.strip()
        if line and not line.startswith(("#", "!", "*", ">", "TL;DR", "[")):
            return line[:n]
    return ""


def front_matter(rng: random.Random, style: str, lang: str, title: str, ts: int, tags: list[str],
                 category: str, body: str, pools: Pools) -> str:  # fmt: skip
    if style == "qq":  # 000, 004
        code = lang_code(rng, lang)
        thumb = f"https://inews.gtimg.com/om_ls/{rng.getrandbits(64):016x}/640360/0" if rng.random() < 0.5 else ""
        lines = [
            "---",
            f"title: {q(title)}",
            f"date: {q(time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(ts + 8 * 3600)))}",
            f"summary: {q(first_text(body, 50) + '...')}",
            "categories:",
            f"  - {q(category)}",
            "lang:",
            f"  - {q(code)}",
            "translations:",
            f"  - {q(code)}",
            "tags:",
            *(f"  - {q(t)}" for t in tags),
            'menu: ""',
            f"thumbnail: {q(thumb)}",
            'lead: ""',
            "comments: false",
            "authorbox: false",
            "pager: true",
            "toc: false",
            "mathjax: false",
            'sidebar: "right"',
            "widgets:",
            '  - "search"',
            '  - "recent"',
            '  - "taglist"',
            "---",
        ]
    elif style == "essay":  # 002: plain scalars, ISO date with offset, no lang key
        off = {"zh-CN": 8, "zh-TW": 8, "pt": -3, "en": 0}[lang]
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts + off * 3600))
        stamp += "Z" if off == 0 and rng.random() < 0.5 else f"{'+' if off >= 0 else '-'}{abs(off):02d}:00"
        summary = " ".join(rng.choices(pools.sentences[lang], k=2)) if lang in ("pt", "en") else "".join(
            rng.choices(pools.sentences[lang], k=2)
        )
        lines = [
            "---",
            f"title: {plain(title)}",
            f"date: {stamp}",
            "draft: false",
            f'featured_image: "/newsimages/selected_image_{time.strftime("%Y-%m-%b %d, %Y_%H-%M-%S", time.gmtime(ts))}.jpg"',
            f"summary: {plain(summary)}",
            "tags: ",  # 002 has a trailing space here
            *(f"  - {plain(t)}" for t in tags),
            "main_topics: ",
            *(f"  - {t}" for t in rng.sample(MAIN_TOPICS, 2)),
            "---",
        ]
    else:  # compact: flow lists, date only or UTC stamp, lang as list or string
        code = lang_code(rng, lang)
        date = time.strftime("%Y-%m-%d", time.gmtime(ts)) if rng.random() < 0.5 else time.strftime(
            "%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts)
        )
        lines = ["---", f"title: {q(title)}", f"date: {date}"]
        lines.append(f"lang: [{q(code)}]" if rng.random() < 0.7 else f"lang: {code}")
        lines.append("tags: [" + ", ".join(q(t) for t in tags) + "]")
        if category:
            lines.append(f"categories: [{q(category)}]")
        if rng.random() < 0.6:
            lines.append(f"summary: {q(first_text(body, 80))}")
        lines.append("---")
    return "\n".join(lines) + "\n\n"


# --- whitespace variants for planted duplicates -----------------------------------------------


def respace(rng: random.Random, text: str) -> tuple[str, str]:
    kind = rng.choice(("trailing", "blank", "crlf", "edges", "nfd"))
    if kind == "trailing":
        return "\n".join(ln + " " * rng.randint(1, 3) if ln else ln for ln in text.split("\n")), kind
    if kind == "blank":
        return text.replace("\n\n", "\n\n\n"), kind
    if kind == "crlf":
        return text.replace("\n", "\r\n"), kind
    if kind == "edges":
        return text.rstrip("\n") + "\n\n\n", kind
    nfd = unicodedata.normalize("NFD", text)
    if nfd == text:  # nothing to decompose (CJK): fall back to another spacing
        return text.replace("\n\n", "\n\n\n"), "blank"
    return nfd, kind


# --- near-duplicate copies (bench/stories.py) -------------------------------------------------

CREDITS = {
    "zh-CN": ["来源：新华网", "责任编辑：王磊", "来源：人民网-科技频道"],
    "zh-TW": ["來源：中央社", "責任編輯：林怡君"],
    "pt": ["Fonte: Agência Brasil", "Edição: Ana Souza"],
    "en": ["Source: Reuters", "Editor: Jane Doe"],
}
REWORD = {  # a few phrases a portal rewords, by language
    "zh-CN": [("表示", "称"), ("今年", "本年度"), ("发展", "发展壮大"), ("目前", "当前")],
    "zh-TW": [("表示", "稱"), ("今年", "本年度"), ("目前", "當前")],
    "pt": [("disse", "afirmou"), ("também", "igualmente"), ("grande", "enorme")],
    "en": [("said", "stated"), ("also", "as well"), ("more than", "over")],
}
NEAR_KINDS = ("retitled-credit", "trimmed", "reworded", "traditional", "combined")


def near_copy(rng: random.Random, d: dict, kind: str) -> dict:
    """A copy of an article as a portal republishes it: re-titled with a credit line, its
    ending trimmed, a few phrases reworded, in Traditional script (Simplified originals,
    with OpenCC's s2twp), or several at once. Its file is written hours to days later."""
    head, body = d["text"][: d["head"]], d["text"][d["head"] :]
    lang = d["lang"]
    if kind == "traditional" and lang != "zh-CN":
        kind = "reworded"
    paragraphs = [p for p in body.split("\n\n") if p.strip()]
    if kind in ("trimmed", "combined") and len(paragraphs) > 3:
        cut = max(1, round(len(paragraphs) * rng.uniform(0.1, 0.2)))
        paragraphs = paragraphs[:-cut]
    body = "\n\n".join(paragraphs) + "\n"
    if kind in ("reworded", "combined"):
        for old, new in rng.sample(REWORD[lang], k=min(3, len(REWORD[lang]))):
            body = body.replace(old, new, 2)
    if kind in ("retitled-credit", "combined"):
        body = rng.choice(CREDITS[lang]) + "\n\n" + body
        suffix = "（转载）" if lang.startswith("zh") else " (republished)"
        head = f"---\ntitle: {q((d['title'] or 'Untitled') + suffix)}\n---\n"
    if kind == "traditional":
        import opencc  # only for this kind; the rest of the generator is stdlib only

        s2twp = opencc.OpenCC("s2twp")
        head, body = s2twp.convert(head), s2twp.convert(body)
    copy = dict(d)
    copy.update(text=head + body, head=len(head), ts=d["ts"] + rng.randrange(3600, 5 * 86400))
    copy.update(near=kind, lang="zh-TW" if kind == "traditional" else lang)
    return copy


# --- driver ---------------------------------------------------------------------------------


def generate(n: int, out: Path, seed: int, manifest: Path | None, near: float = 0.0) -> dict:
    rng = random.Random(seed)
    pools = Pools(random.Random(seed ^ 0x5EED))
    picker = TagPicker(random.Random(seed ^ 0x7A65))
    langs = list(LANG_WEIGHTS)
    lang_cum = []
    acc = 0
    for w in LANG_WEIGHTS.values():
        acc += w
        lang_cum.append(acc)

    n_dup = round(n * DUPLICATE_SHARE) if n >= 20 else 0
    n_near = round(n * near) if n >= 20 else 0
    n_orig = n - n_dup - n_near
    doubled = set(rng.sample(range(n_orig), round(n * DOUBLED_SHARE))) if n >= 20 else set()
    dup_src = [rng.randrange(n_orig) for _ in range(n_dup)]
    near_rng = random.Random(seed ^ 0x4EA7)  # its own stream: --near 0 changes nothing else
    near_src = [near_rng.randrange(n_orig) for _ in range(n_near)]
    keep = set(dup_src) | set(near_src)  # originals whose text the copies need
    position = list(range(n))  # generation index -> position in the folder listing
    rng.shuffle(position)
    exts = [".md" if rng.random() < MD_SHARE else ".txt" for _ in range(n)]
    width = max(3, len(str(n - 1)))

    out.mkdir(parents=True, exist_ok=True)
    mf = manifest.open("w", encoding="utf-8") if manifest else None
    total = 0
    per_lang = dict.fromkeys(langs, 0)
    used_tags: set[str] = set()
    n_fm = 0
    names: dict[int, str] = {}
    kept: dict[int, dict] = {}

    def write(i: int, d: dict) -> None:
        nonlocal total, n_fm
        data = d["text"].encode("utf-8")
        pos = position[i]
        name = f"{pos:0{width}d}_{hashlib.blake2b(data, digest_size=8).hexdigest()}{exts[pos]}"
        names[i] = name
        path = out / name
        path.write_bytes(data)
        os.utime(path, (d["ts"], d["ts"]))
        total += len(data)
        per_lang[d["lang"]] += 1
        n_fm += d["front_matter"] is not None
        used_tags.update(t.casefold() for t in d["tags"])
        if mf:
            rec = {k: d[k] for k in ("lang", "front_matter", "title", "tags", "category", "doubled", "variant")}
            rec["file"] = name
            rec["date"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(d["ts"]))
            rec["dup_of"] = names[d["dup_of"]] if d["dup_of"] is not None else None
            if d.get("near_of") is not None:
                rec["near_of"], rec["near"] = names[d["near_of"]], d["near"]
            mf.write(json.dumps(rec, ensure_ascii=False) + "\n")

    for i in range(n_orig):
        lang = rng.choices(langs, cum_weights=lang_cum)[0]
        ts = EPOCH_START + rng.randrange(EPOCH_SPAN)
        source = rng.choice(SOURCES_BY_LANG[lang])
        has_fm = rng.random() < FRONT_MATTER_SHARE
        if has_fm:
            style = rng.choices(("qq", "essay", "compact"), weights=(45, 30, 25))[0]
            flavor = {"qq": "news", "essay": "essay", "compact": rng.choice(("news", "wire"))}[style]
        else:
            style = rng.choice(("title-line", "no-title"))
            flavor = rng.choice(("news", "wire"))
        target = int(min(MAX_BODY, max(MIN_BODY, rng.lognormvariate(8.6, 0.45))))
        title = pools.title(rng, lang)
        body = make_body(rng, pools, lang, flavor, target, ts, source)
        if i in doubled:  # the same text pasted twice
            body = body + rng.choice(("\n\n", "\n")) + body
        tags = picker.pick(rng, lang)
        category = None
        if has_fm:
            if style == "qq" or (style == "compact" and rng.random() < 0.5):
                category = source
            head = front_matter(rng, style, lang, title, ts, tags, category, body, pools)
        elif style == "title-line":  # 003
            head = title + "\n\n"
        else:  # 001 starts with an empty line
            head = "\n"
        text = head + body
        if rng.random() < 0.6:
            text += "\n"
        d = {
            "lang": lang, "ts": ts, "text": text, "front_matter": style if has_fm else None,
            "title": title if style != "no-title" else None, "tags": tags if has_fm else [],
            "category": category,
            "doubled": i in doubled, "dup_of": None, "variant": None, "head": len(head),
        }  # fmt: skip
        write(i, d)
        if i in keep:
            kept[i] = d

    for j, src in enumerate(dup_src):
        d = dict(kept[src])
        if rng.random() < 0.5:  # respace the body; the front matter stays as it was
            head, body = d["text"][: d["head"]], d["text"][d["head"] :]
            body, d["variant"] = respace(rng, body)
            if d["variant"] == "crlf":
                head = head.replace("\n", "\r\n")
            d["text"] = head + body
        else:
            d["variant"] = "exact"
        d["dup_of"] = src
        write(n_orig + j, d)
    for j, src in enumerate(near_src):
        d = near_copy(near_rng, kept[src], NEAR_KINDS[j % len(NEAR_KINDS)])
        d["near_of"] = src
        write(n_orig + n_dup + j, d)
    if mf:
        mf.close()

    return {
        "files": n,
        "bytes": total,
        "langs": per_lang,
        "tags": len(used_tags),
        "vocab": len({t.casefold() for t in picker.vocabulary()}),
        "front_matter": n_fm,
        "dups": n_dup,
        "near": n_near,
        "dup_sources": len(keep),
        "doubled": len(doubled),
        "md": exts.count(".md"),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, required=True, help="number of files to write")
    ap.add_argument("--out", type=Path, required=True, help="folder to write them into (created)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--manifest", type=Path, help="also write the ground truth as JSON lines here")
    ap.add_argument("--near", type=float, default=0.0,
                    help="share of files that are near-duplicate copies (needs opencc)")
    args = ap.parse_args(argv)
    if args.n < 1:
        ap.error("--n must be at least 1")
    if args.out.exists() and any(args.out.iterdir()):
        ap.error(f"--out {args.out} is not empty")
    t0 = time.perf_counter()
    s = generate(args.n, args.out, args.seed, args.manifest, args.near)
    langs = ",".join(f"{k}:{v}" for k, v in s["langs"].items())
    print(
        f"gen_corpus: files={s['files']} bytes={s['bytes']} langs={langs} "
        f"distinct_tags={s['tags']}/{s['vocab']} front_matter={s['front_matter']} "
        f"duplicates={s['dups']} near={s['near']} (of {s['dup_sources']} originals) "
        f"doubled_bodies={s['doubled']} "
        f"md={s['md']} seed={args.seed} seconds={time.perf_counter() - t0:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
