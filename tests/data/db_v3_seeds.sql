BEGIN TRANSACTION;
CREATE TABLE dirty (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, key TEXT NOT NULL);
CREATE TABLE "entries" (
   "id" TEXT PRIMARY KEY,
   "content_hash" TEXT,
   "source_key" TEXT,
   "title" TEXT,
   "summary" TEXT,
   "html" TEXT,
   "lang" TEXT,
   "lang_group" TEXT,
   "tags" TEXT,
   "link" TEXT,
   "author" TEXT,
   "published" TEXT,
   "updated" TEXT,
   "row_hash" TEXT
);
INSERT INTO "entries" VALUES('urn:uuid:2c2ac27a-537f-540e-92e4-f731bbaf7611','v1:4b9765be1c8d795a5dd566dd568ac8f7d0ae83a4e699a57599ed2aa0937f1105','000_343c217136dc0f52.txt','全球开发者吹响集结号！DeepSeek或将出席｜科技观察','2025年2月7日，全球开发者先锋大会新闻发布会顺利召开，封面新闻记者从会上获悉，2025全球开发者...','<p>2025年2月7日，全球开发者先锋大会新闻发布会顺利召开，封面新闻记者从会上获悉，2025全球开发者先锋大会将于2月21日至23日在上海徐汇举办。</p>
<p>本次大会以“模塑全球 无限可能”为主题，聚焦大模型、算力、语料、工具、软件平台等核心技术，涉及硬件开发、云计算、大数据、物联网、人工智能、机器人、区块链和元宇宙等开发者群体，旨在推动人工智能产业场景落地，加速人工智能商业化进程。</p>
<p>值得一提的是，上海市人工智能行业协会秘书长钟俊浩透露，大会已与近日受到全球瞩目的人工智能企业DeepSeek取得联系，“得到了非常积极和正向的回复，他们也会一起主动积极地参与在整个大会当中”。</p>
<p><strong>模塑全球，无限可能</strong></p>
<p>为深入贯彻国家发展新一代人工智能的战略部署，加快“模塑申城”方案实施，本次2025全球开发者先锋大会将为开发者们在人工智能及相关领域开发持续提供良好开发环境，对接人工智能各产业链环节及要素资源，为开发者群体赋能，驱动开发者拥抱各类应用场景，增强人工智能及相关产业发展活力，推动人工智能及相关产业走向全国乃至全球。</p>
<p>全球开发者先锋大会源自世界人工智能大会，已成功举办两届。去年大会吸引线下开发者3.56万人次，线上触达开发者约3200万人，依托380家专业媒体，全网报道超4000篇，全网流量超4.18亿，对全球的开发者们形成了很好的集聚效应。</p>
<p>人工智能技术近几年取得了飞跃式的进步，其以效率革命重塑产业未来，不断创造新价值。AI不仅是个人消费者应用，更需要与产业结合，充分发挥人工智能技术先进性。人工智能要做的不是App数量的简单增长，而是对场景应用给出更好的解决方案，升级现有的处理方式，更智慧、更高效、更合理。</p>
<p>AI不仅是实验室里的高精尖技术，产业更需要拨开迷雾，照亮发展之路。大模型以Agent智能体等形式，构建更为智能的应用生态，为更多复杂场景提供优质服务。AI不仅是效率提升的工具，更能够用技术突破物质效能的边界，通过虚实融合，为人类探索精神世界提供全新路径。人工智能将跳出手机、电脑等传统智能终端，真实世界将与虚拟世界形成“虚实融合”，创造无限可能。</p>
<p><strong>国内外AI开发者将聊什么？</strong></p>
<p>作为全球第一个定位服务于全员开发者的大会，本次大会集聚国内外100家开发者社区参与本次大会，其中20家核心开发者社区承办相关活动，旨在构建更完善的人工智能产业生态。Hugging Face、微软开发者社区、CSDN、阿里魔搭社区、Linux基金会、阿帕奇基金会、华为社区等国内国际头部社区都在积极参与本次大会，为本次大会带来了各类丰富的活动。</p>
<p>主办方告诉封面新闻记者，针对“5+6”领域和行业，探索大模型产业化解决方案，推进场景落地应用，实现商业模式的正向闭环，包括智能终端、自动驾驶、科学智能、具身智能、医疗、金融、教育等领域行业，推动生态链接合作。</p>
<p>大会形式方面，开发者们将沉浸式体验人工智能及相关产业，感受其活力、魅力和生命力。本次大会将构建“1+1+N+X”的内容架构体系，即“1场开幕式+1场顶尖青年开发者交流会+N场企业讲坛+X场开发者活动”，聚焦大模型、算力、语料、工具、软件平台等核心技术，参与的开发者群体包括硬件开发、云计算、大数据、物联网、人工智能、机器人、区块链和元宇宙，开展企业讲坛、互动体验、工作坊、开放麦、Demo Day、AIGC赛事等活动。</p>
<p>通过现场互动体验，大会也将聚焦开发者最关心的、最具前瞻性的大模型垂类应用。GDC Talk开放麦聚焦开发者们最关心的热门技术，提供一个自由交流和分享的平台。Demo Day路演大舞台延续WAIC全球创新项目路演，吸引各类基金和孵化器关注开发者新项目。VR/AR/X-Meta大空间沉浸体验、互动游戏、竞技游戏、开发者集市等，也将集中展现开发者们最酷、最炫的产品。国内外头部社区组织的内容丰富的工作坊结合生命健康、具身智能、3D游戏等领域展现来自开发者的创新力。</p>
<p>多种竞技场赛事和人才特色活动包括黑客松竞赛、AI编程挑战赛、现场招聘、AIGC青少年绘画大赛、模塑申城杯人才赛事等，也将给来到现场关注人工智能发展的爱好者们带来新奇体验。这些活动将使参与者能够亲身感受人工智能技术在不同场景中的应用，从而更直观地理解人工智能产业生态与场景结合的生命力。</p>
<p>2025全球开发者先锋大会将为全球开发者提供怎样一个交流、合作与创新的平台？让我们拭目以待。</p>
<p><a rel="noopener noreferrer" href="https://new.qq.com/rain/a/20250207A096C900">qq</a></p>
','zh-CN','zh-Hans','["qq"]','https://new.qq.com/rain/a/20250207A096C900',NULL,'2025-02-07T22:26:11Z','2025-02-07T22:26:11Z','bc57efa51fd96e4d49ddf952f0204239606be9f5ad6856597e11a538e8837287');
INSERT INTO "entries" VALUES('urn:uuid:9f6a7f9f-087c-5aa2-9ab3-04f8905fb026','v1:ec9375d2c1a88503431745c4677bb6154f738e485a3d8f8e479608a5a44dca1f','001_85c5616e57edde8b.txt','11月6日至9日,2025年世界互聯網大會烏鎮峰會將在浙江烏鎮啟幕。','11月6日至9日,2025年世界互聯網大會烏鎮峰會將在浙江烏鎮啟幕。本屆峰會以“共筑開放合作、安全普惠的數字未來——攜手構建網絡空間命運共同體”為主題,恰逢構建網絡空間命運共同體理念提出10周年,將推出一系列全新特色活動,為全球數字發展搭建高端交流合作平臺。','<p>11月6日至9日,2025年世界互聯網大會烏鎮峰會將在浙江烏鎮啟幕。本屆峰會以“共筑開放合作、安全普惠的數字未來——攜手構建網絡空間命運共同體”為主題,恰逢構建網絡空間命運共同體理念提出10周年,將推出一系列全新特色活動,為全球數字發展搭建高端交流合作平臺。</p>
<p>“直通烏鎮”全球互聯網大賽是世界互聯網大會烏鎮峰會亮點活動之一,自2019年以來已連續舉辦了6屆,大賽旨在通過探索互聯網新技術、新模式、新業態,搭建互聯網項目、技術、人才和資本合作的重要平臺。大賽致力于推動全球互聯網合作創新,激發互聯網創業活力,集聚互聯網青年人才,為全球數字經濟蓬勃發展貢獻力量。今年是大賽辦賽第7年,將有這些新的亮點值得關注:</p>
<p>賽道煥新</p>
<p>緊跟國家戰略和前沿科技</p>
<p>今年賽道充分考慮前沿科技及產業特色,設置了人工智能、智聯出行、數智醫療、智能制造、智能終端、開源項目(分為開源模型應用賽和開源競技挑戰賽)六大賽道。智聯出行賽道在智能網聯汽車賽道的基礎上融入了低空經濟;數智醫療賽道更強調智能化;智能制造賽道更側重制造業智能化轉型升級,助力新質生產力加速發展;智能終端賽道聚焦AI手機、AI電腦、智能眼鏡、人形機器人等終端的智能化發展和應用。</p>
<p>賽事模式創新</p>
<p>首次面向開發者辦賽</p>
<p>今年大賽新設置了開源項目賽道,分為開源模型應用賽及開源競技挑戰賽兩個子項。其中開源模型應用賽主要針對基于DeepSeek、Qwen、Hunyuan、Llama、Gemma等開源模型的二開或多開項目在智慧辦公、教育培訓、醫療健康、研發設計、生產制造等行業領域或具體場景中的應用;開源競技挑戰賽則是聯合阿里云、阿里國際、螞蟻、華為、騰訊云、openKylin、百度7家企業(社區),選擇了8個開源項目納入賽道項目池,共吸引600余名開發者參賽,最終將根據開發者全賽程代碼貢獻,每個社區將產生1名最具價值貢獻者。</p>
<p>賽事影響力和辦賽質量進一步提升</p>
<p>今年大賽參與國家數量、參賽項目數量均創新高,共吸引來自全球29個國家和地區的1082個項目報名參賽,其中國內項目864個,海外項目218個;項目質量方面,國內的智元機器人、柳葉刀機器人、文遠知行等科技創新生力軍,一汽股份、小米集團、海爾集團等行業龍頭企業積極參賽;海外項目中,也有不少科研機構的項目報名參賽。整體參賽項目質量較往年進一步提升。經過前期網絡初賽和復賽的評選,有71個項目進入決賽(其中國內60個,海外11個),將共赴烏鎮進行巔峰對決(最終每個賽道將誕生特等獎1名、一等獎1名、二等獎3名、三等獎5名)。</p>
<p>常態化運營“數字之翼”社群</p>
<p>推動“兩新”融合發展</p>
<p>2024年,“數字之翼”全球生態合作社群在“直通烏鎮”大賽頒獎典禮上正式成立,構建了參賽項目、評委專家、投資機構、合作伙伴、地方政府多方參與的生態圈。今年上半年“數字之翼”社群已舉辦2場對接會,邀請到“六小龍”企業代表、制造業龍頭企業代表,生態企業代表、AI服務商企業代表和歷屆獲獎項目代表參加活動。復賽同期,以“兩新”融合發展為主題,在復賽城市舉辦了5場城市座談會,吸引了華為、騰訊、OPPO、TCL、賽力斯、吉利等各行業的企業代表,以及大賽的歷屆獲獎項目和本屆優秀項目代表參加,共同推動科技創新和產業創新的深度融合發展。</p>
<p>今年烏鎮峰會期間,大賽和社群的系列活動亮點紛呈,6大賽道的總決賽將于11月7日至8日在浙江烏鎮舉辦,并在同期舉辦“數字之翼”創新之夜、投資界閉門會等系列活動。大賽頒獎典禮將于11月9日上午舉行,屆時將揭曉6大賽道的各個獎項。</p>
<p>編輯:遲明緒</p>
','zh-Hant','zh-Hant','[]',NULL,NULL,'2026-12-01T10:05:55Z','2026-12-01T10:05:55Z','d4618cc006ee72d320ddd8a10cdad26683eb45ee09483c6c9cee1f632d221c13');
INSERT INTO "entries" VALUES('urn:uuid:d03c713c-65c6-5c44-b6a1-94921546dd2a','v1:8a387bcf4097d870b86b7e836b24a2a07da246a130a99faab7407cffd4e59248','002_b2d43885ea254e28.txt','WAIC 2025：智能共济下的上海图景——兼论具身智能与大模型融合的未来','2025世界人工智能大会（WAIC）的召开，揭示了上海在AI领域的全面战略雄心：通过构建从算力、数据到模型的全产业链生态，并深耕具身智能与大模型融合的前沿技术，加速其向全球AI创新高地的迈进。此次盛会不仅是技术和商业的展示，更强调了在“智能时代同球共济”理念下，全球在AI治理和伦理方面的协同合作，预示着AI将更深层地重塑产业格局和社会结构。','<p>TL;DR：</p>
<blockquote>
<p>2025世界人工智能大会（WAIC）在上海启幕，不仅是全球AI技术和产业的风向标，更展现了上海以“智算、语料、基模”一体化布局为核心，加速具身智能与大模型融合，并通过构建全产业链生态、强化全球治理合作，力图成为世界级AI创新高地的雄心与实践。这预示着AI将更深层地渗透物理世界与经济肌理，同时呼唤着更加负责任的全球协作。</p>
</blockquote>
<p>2025年7月，全球目光再次聚焦上海，世界人工智能大会（WAIC）的启幕，不仅仅是年度科技盛事，更是中国乃至全球人工智能发展脉搏的一次全面检阅。以“智能时代 同球共济”为主题，本届大会不仅彰显了技术前沿的迭代速度，更凸显了在复杂地缘政治和技术伦理背景下，构建开放、包容、负责任的全球AI生态的紧迫性与必要性。上海，作为中国AI发展的先行者，正通过一系列前瞻性布局，深度重塑其产业生态，并以前所未有的力度推动AI与物理世界的融合，以及与全球治理的协同。</p>
<h3>宏大愿景下的全景布局：上海的AI“高地”战略</h3>
<p>上海的AI战略，绝非碎片化的技术堆砌，而是一幅由顶层设计驱动、强调全链条协同的宏大画卷。它围绕“五高地”建设，勾勒出从技术创新策源到产业应用示范、从生态集聚到人才培养、再到智能治理合作的完整闭环。<sup><a rel="noopener noreferrer" href="#1">1</a></sup><sup><a rel="noopener noreferrer" href="#3">2</a></sup></p>
<p>首先，在<strong>产业创新策源地</strong>的打造上，上海深谙“算力、语料、基模”作为AI时代“新基建”的核心地位。到2025年底，全市智能算力供给能力预计将突破100EFlops，这不仅是量级的跃升，更是支撑未来大规模模型训练和应用部署的坚实底座。<sup><a rel="noopener noreferrer" href="#5">3</a></sup> 语料数据作为模型“养分”，其加速汇聚及标准化运营（成品语料超1800TB），预示着未来模型训练将更依赖高质量、多样化的数据，而非仅仅是数据量。同时，“1+3”开源与商业并行的大模型体系，反映出上海在基础模型发展上兼顾开放创新与市场化落地的务实路径，这对于加速商业化落地至关重要。</p>
<p>其次，作为<strong>赋能百业的垂类应用示范地</strong>，“模塑申城”工程的实施，瞄准“5+6”重点领域，旨在将AI的能力渗透到工业制造、金融、医疗、教育等传统产业的深层肌理。累计82款大模型通过备案，不仅是数量上的突破，更意味着AI在各行业的标准化、合规化应用正加速落地。值得注意的是，**科学智能（AI4S）**的深化布局，如“伏羲”气象大模型和“启明星”蛋白质设计模型，展现了AI在加速基础科学研究、推动新范式科学发现上的巨大潜力，这正是MIT Technology Review所推崇的前瞻性科学突破。</p>
<h3>技术潮头的深度涌动：大模型与具身智能的交汇</h3>
<p>WAIC 2025最引人注目的技术焦点，无疑是<strong>大模型</strong>的持续演进和<strong>具身智能</strong>的加速崛起，以及两者之间日益紧密的融合趋势。</p>
<p>大模型，作为当前AI发展的核心驱动力，正从通用能力向专业化、多模态、智能体（AI Agent）方向深入。大会设置的18场大模型论坛，聚焦基础模型、垂类模型和AI Agent，反映了行业对“大模型如何走出沙箱，实现系统化突围”的深层思辨<sup><a rel="noopener noreferrer" href="#4">4</a></sup>。AI Agent作为具备自主感知、决策和行动能力的智能体，其商业化落地成为业界关注的焦点。这不仅是对算法架构的挑战，更是对AI与真实世界交互复杂度的深刻拷问。</p>
<p>而**具身智能（Embodied AI）**的加速量产，则标志着AI技术正从“云端智能”走向“物理智能”。上海国地共建人形机器人创新中心，并发布开源公版机“青龙”和全球首个具身运动大模型“龙跃”<sup><a rel="noopener noreferrer" href="#1">1</a></sup>，无疑是具身智能领域的一次里程碑式突破。这不仅降低了人形机器人研发门槛，更预示着机器人将不再是简单的自动化工具，而是具备复杂环境感知、精细操作和自主决策能力的智能实体。<strong>大模型与具身智能的结合，是未来3-5年AI发展最值得期待的方向之一。</strong> 大模型为具身智能提供了强大的“大脑”和“推理能力”，而具身智能则为大模型提供了“身体”和在物理世界中验证、学习的机会，形成一个自我强化的飞轮。这将深刻影响工业制造、物流运输、医疗康复乃至家庭服务等场景，重构人机协作的边界。</p>
<h3>生态熔炉与商业新范式：从创新策源到价值转化</h3>
<p>上海在AI产业生态的构建上，展现出高度的商业敏锐度和系统性思维。**“一东一西、一软一硬”**的产业载体布局——徐汇“模速空间”聚焦模型生态，浦东“模力社区”深耕具身智能和垂类应用<sup><a rel="noopener noreferrer" href="#2">5</a></sup>，精准切入了当前AI产业最活跃的两个增长点。这两个载体不仅是物理空间的集聚，更是创新资源的“熔炉”，吸引了近700家AI企业。</p>
<p>从资本角度看，以国家和市级人工智能母基金为引领，设立功能性子基金，打造覆盖“种子期”到“成熟期”的全周期融资支持体系，是<strong>赋能AI初创企业快速成长的关键</strong>。WAIC 2025全新设置的“创投孵化”板块，组织200余个初创项目路演，百余家投资机构现场对接，直接将创新技术与市场资本高效连接，极大地加速了技术成果向商业价值的转化。这种务实、高效的投融资对接，正是TechCrunch所强调的商业实用性导向。</p>
<p>此外，全链开源生态的构建，如阿里魔搭、开放原子基金会等线上开源社区的引进，累计开放4200亿Token文本和1TB视频图文数据，<strong>极大地降低了AI创业门槛</strong>。这不仅促进了技术的普惠化，也吸引了大量年轻开发者和创业团队，为整个产业注入了源源不断的创新活力。</p>
<h3>智能向善与全球共治：构建负责任的AI未来</h3>
<p>随着AI能力的飞速提升，其潜在的伦理挑战和全球治理问题也日益凸显。上海在发展AI的同时，高度重视“智能向善”的原则，并积极构建多层次的治理框架。落实《人工智能全球治理上海宣言》，加快修订地方立法，并推动成立人工智能伦理专家委员会，体现了从顶层设计到具体执行的全方位考量。</p>
<p>WAIC 2025将举办人工智能全球治理高级别会议，邀请国际大咖和政策制定者共同探讨，这不仅是技术层面的交流，更是<strong>全球共识构建的平台</strong>。与38个国家建立合作机制，推动国际AI产业对接与技术交流，反映出上海在AI治理上所扮演的“先行地”角色，以及其推动“同球共济”理念的实际行动。这与Wired所倡导的批判性思维和对技术社会影响的深层探讨不谋而合，强调了发展与安全并重、创新与伦理共进的必要性。</p>
<h3>展望：智能纪元的重构与人机共存的未来</h3>
<p>WAIC 2025所展现的趋势，描绘了一个由技术、商业、社会、伦理多维度交织的智能新纪元图景。未来3-5年，我们预计将看到：</p>
<ul>
<li><strong>通用大模型与垂直深度模型的协同进化：</strong> 基础模型将继续作为能力底座，而更多专注于特定行业和场景的垂类模型将大量涌现，实现更高效、更精准的行业赋能。AI Agent将成为连接模型与应用的关键桥梁，推动自动化决策和任务执行向更复杂、开放的环境拓展。</li>
<li><strong>具身智能的广泛渗透：</strong> 人形机器人及各类智能机器人将逐步走出实验室，进入工业产线、物流仓储，甚至在有限场景下进入家庭。随着具身运动大模型等核心技术的成熟，机器人的运动协调性、环境适应性和任务泛化能力将大幅提升，重塑劳动形态和生活方式。</li>
<li><strong>算力基础设施的持续军备竞赛：</strong> 随着大模型和具身智能对算力需求的爆炸式增长，智算底座的建设、AI芯片的迭代以及绿色算力的发展将成为核心竞争力，并可能引发新的地缘政治考量。</li>
<li><strong>AI治理的全球化与本地化张力：</strong> 各国和地区在推动AI发展的同时，将加速出台各自的治理框架和法规，但如何在保障创新的同时，实现跨国界的标准协同和风险共担，将是长期挑战。</li>
<li><strong>“AI+”的深远变革：</strong> 不仅仅是效率提升，AI将成为许多行业从业务模式到组织架构的深层变革驱动力。教育、医疗、金融、制造等领域将诞生更多基于AI的新产品、新服务和新业态。</li>
</ul>
<p>上海WAIC 2025不仅是一场展示最新技术的盛会，更是一个思想碰撞、战略构建的平台。它不仅让人们窥见AI的奇迹，也迫使我们思考，在一个日益智能化的世界中，如何确保技术发展与人类福祉相向而行，如何构建一个真正“同球共济”的智能未来。这需要技术精英的突破、商业领袖的远见、政策制定者的智慧，以及全社会对“智能向善”的共同承诺。</p>
<h2>引用</h2>
<div id="1"><sup>1</sup>
<p><a rel="noopener noreferrer" href="https://www.shanghai.gov.cn/nw12344/20250710/60f58a27afee4743ae9e1d46c35ee637.html">市政府新闻发布会介绍2025世界人工智能大会暨人工智能全球治理高...</a>·上海市人民政府新闻办公室·2025/7/10·检索日期2025/7/11</p>
</div>
<div id="2"><sup>5</sup>
<p><a rel="noopener noreferrer" href="https://www.shkjb.com/content.html?id=239622">上海加速打造全球AI高地</a>·上海科技报·2025/7/10·检索日期2025/7/11</p>
</div>
<div id="3"><sup>2</sup>
<p><a rel="noopener noreferrer" href="https://news.sina.com.cn/o/2025-07-10/doc-infezcyf1454837.shtml">上海一季度人工智能产业规模超千亿，重点打造“5个高地” - 新浪新闻</a>·新浪新闻·2025/7/10·检索日期2025/7/11</p>
</div>
<div id="4"><sup>4</sup>
<p><a rel="noopener noreferrer" href="https://www.pingwest.com/a/306119">技术路线生死竞速，WAIC 2025大模型论坛亮点前瞻 - 品玩</a>·品玩·2025/7/10·检索日期2025/7/11</p>
</div>
<div id="5"><sup>3</sup>
<p><a rel="noopener noreferrer" href="https://www.36kr.com/p/2840502123517187">智能时代，同球共济！2025世界人工智能大会将于7月26日启幕</a>·36氪·2025/7/11·检索日期2025/7/11</p>
</div>
','zh-Hans','zh-Hans','["人工智能", "具身智能", "大模型", "产业生态", "ai治理", "上海waic"]',NULL,NULL,'2025-07-11T02:40:05Z','2025-07-11T02:40:05Z','08ba235e0a019dc2d0c926f1639b7a7449d17f17a9133fb1bf297bd09819f2fb');
INSERT INTO "entries" VALUES('urn:uuid:cbdad606-105b-54b2-8208-0293f683a9fc','v1:bc860ff5a09df0f760f75c6976a8164b7daac6aa534f99a016cb592893d78339','003_d3ed8000c58bd57f.txt','IA permanece um dos principais setores de Xangai','A inteligência artificial (IA) continuará sendo um dos principais setores de Xangai, e sua escala de mercado já ultrapassou 450 bilhões de yuans (62 bilhões de dólares americanos) em 2024, conforme as autoridades.','<p>A inteligência artificial (IA) continuará sendo um dos principais setores de Xangai, e sua escala de mercado já ultrapassou 450 bilhões de yuans (62 bilhões de dólares americanos) em 2024, conforme as autoridades.</p>
<p>“Nos últimos anos, Xangai tem reforçado o apoio político às inovações, promovendo avanços tecnológicos, fortalecendo o layout ecológico da cadeia do setor de IA e construindo ativamente um cluster industrial de ponta de classe mundial”, disse Chen Jie, vice-prefeito de Xangai, durante a cerimônia de abertura da Conferência Global de Desenvolvedores 2025, em 22 de fevereiro.</p>
<p>Com o tema IA Moldando o Mundo, Desbloqueando Oportunidades Infinitas, a conferência é um evento de IA para desenvolvedores globais se comunicarem, colaborarem e inovarem. A conferência foi realizada de 21 a 23 de fevereiro em Xangai.</p>
<p>Chamando os desenvolvedores de uma importante força motriz para o progresso da tecnologia de inteligência artificial e do desenvolvimento industrial, Xiong Jijun, vice-ministro da Indústria e Tecnologia da Informação, disse que a China é o país com segundo maior número de participantes em código aberto no mundo.</p>
<p>“Graças aos desenvolvedores, a IA alcançou um rápido desenvolvimento e, recentemente, houve avanços acelerados na tecnologia e nos produtos de grandes modelos de código aberto, o que trouxe novas oportunidades para o desenvolvimento do setor de inteligência artificial da China”, disse Xiong.</p>
<p>De acordo com Chen, uma série de conquistas foi alcançada em inovação tecnológica, cooperação financeira com o setor e cooperação internacional sob a orientação e o apoio do Ministério da Indústria e Tecnologia de Informação, incluindo atingir uma escala de mercado de mais de 450 bilhões de yuans no ano passado, realizar com sucesso a Conferência Mundial de Inteligência Artificial (sigla em inglês: WAIC) por sete anos consecutivos e registrar 60 modelos grandes.</p>
<p>“Em meio à rápida iteração e ao surgimento de modelos de IA de código aberto, Xangai, como uma megacidade, continuará aproveitando ao máximo seus pontos fortes e acelerando a construção de um planalto de IA com influência internacional”, disse Chen.</p>
<p>“Estou realmente impressionado com (o que) Xangai tem feito em relação à IA. Há todas essas grandes corporações que estão investindo em IA, o governo oferece incentivos, apoio e investimento para apoiar várias iniciativas diferentes de IA, treinamento e crescimento da comunidade de desenvolvedores com foco em código aberto. Acho que Xangai está realmente se consolidando como líder nesse espaço”, disse Andrew Aitken, membro do comitê de supervisão técnica da Fundação FINOS Fundação de Linux .</p>
<p>Aitken é um dos especialistas do setor que está sentindo a onda de choque industrial provocada pelo DeepSeek-R1, desenvolvido pela start-up chinesa DeepSeek.</p>
<p>“Espero que não somente as empresas chinesas de IA, mas também outras empresas globais de IA aprendam com o que a DeepSeek está fazendo. Comece abrindo o código-fonte de seu software, agora eles podem abrir mais o código-fonte, mas fizeram um trabalho ótimo até agora. E eles tornaram financeiramente acessível a criação de seus próprios modelos de linguagem, portanto, fizeram isso muito bem e o resto do mundo pode aprender com isso”, disse Aitken.</p>
<p>De fato, uma série de modelos de código aberto liderados pelo DeepSeek-R1 é apresentada, e espera-se que isso fortaleça os esforços das empresas chinesas para oferecer ao mundo os melhores modelos de grande porte de código aberto.</p>
<p>“A StepFun abrirá o código-fonte de seu modelo de imagem para vídeo em março”, disse Jiang Daxin, fundador e CEO da StepFun.</p>
<p>De acordo com Jiang, a StepFun, start-up de inteligência artificial sediada em Xangai, e a montadora chinesa Geely Auto Group anunciaram em conjunto a abertura de código-fonte de dois grandes modelos multimodais para desenvolvedores globais em 18 de fevereiro. Entre os dois modelos, um é o maior modelo de geração de vídeo de código aberto do mundo e com o mais alto desempenho, e o outro é o primeiro modelo de interação de voz de código aberto em nível de produto do setor.</p>
<p>“Xangai aprimorará ainda mais seu ecossistema de IA de código aberto e abertura, acelerará os aplicativos verticais de IA em larga escala, continuará cultivando uma cultura de desenvolvedores inclusiva e aberta, otimizando recursos, incubando ativamente uma ecologia para desenvolvedores ativos e incentivando mais desenvolvedores a se dedicarem à pesquisa, ao desenvolvimento e à transformação da tecnologia de inteligência artificial, de modo a injetar vitalidade no desenvolvimento da inteligência artificial”, disse Chen.</p>
<p>Com a tarefa de materializar os aplicativos de IA em vários cenários e promover a comercialização da IA, a conferência deste ano consiste em uma cerimônia de abertura, uma reunião de intercâmbio de jovens desenvolvedores, fóruns empresariais e atividades de desenvolvedores.
Conforme os organizadores, a conferência se concentrou nas principais tecnologias, incluindo grandes modelos, capacidade de computação, corpus, ferramentas e plataformas de software.
A conferência tem origem na WAIC, que se tornou uma plataforma influente para cooperação e intercâmbio de IA. A conferência de 2025 busca oferecer um bom ambiente de desenvolvimento para os desenvolvedores no campo da inteligência artificial e setores relacionados, facilitar a integração de vários setores e recursos do setor de IA, capacitar os desenvolvedores, motivar a aplicação da IA em vários cenários, aumentar a vitalidade da IA e dos setores relacionados, e promover o desenvolvimento da inteligência artificial na China e no mundo.
Ver também</p>
<ul>
<li>Desenvolvedores globais: Como o DeepSeek mudou o mundo da tecnologia</li>
<li>Conferência Global de Desenvolvedores 2025 reúne gigantes da IA para colaboração</li>
<li>Xangai sedia o WAIC 2024 para promover inovação, governança e atração de talentos em IA</li>
<li>Conferência Mundial de IA sobre governança global inaugurada em Xangai</li>
</ul>
','pt','pt','[]',NULL,NULL,'2026-12-01T10:05:55Z','2026-12-01T10:05:55Z','d2a083c3248559766112f04cc00655a47462144ecfc6d3ef84339f5573ac2f5b');
INSERT INTO "entries" VALUES('urn:uuid:21a8064e-f5e2-5c51-8033-2bace8602ceb','v1:c17826600cf513d4121d5de07ba1f545785e85ba158266e08ee4e9006dec2598','004_03038401cfc70408.txt','上游观察·科技｜人工智能真正的竞争，现在才刚刚开始','春节至今，DeepSeek热度持续攀升。2月6日最新消息，DeepSeek-R1、V3、Coder等...','<p>春节至今，DeepSeek热度持续攀升。2月6日最新消息，DeepSeek-R1、V3、Coder等系列模型已登陆国家超算网互联网平台。用户无需下载到本地部署，即可在线完成DeepSeek系列模型的推理、部署及定制化训练与开发。</p>
<p>当天，对外公开的DeepSeek日活跃用户数更是再次引发关注：短短上线20天，DeepSeek日活跃用户数成功突破2000万。这意味着，DeepSeek在上线5天日活用户超越ChatGPT上线同期数据之后，短短数十天成长为全球增速最快的AI应用。</p>
<p>此外，百度智能云、华为云、腾讯云、阿里云、火山引擎、中国电信天翼云、中国移动移动云、中国联通联通云等云服务提供商相继宣布接入DeepSeek模型，海光信息、摩尔线程等国产芯片厂商也在两天前陆续表态支持DeepSeek模型。</p>
<p>从底层芯片到云服务商，DeepSeek的“朋友圈”不断扩大，激烈的AI大模型竞争似乎在一夜之间从“百模大战”进入“生态协作”新阶段。</p>
<p><img src="https://inews.gtimg.com/om_bt/OrkyLcNa7gjtuWvSKU1heH356uG-DrAuJG9I46r_iyfVoAA/641" alt="图片" /></p>
<p>DeepSeek热度持续攀升 图据视觉中国</p>
<p><strong>新常态</strong></p>
<p>高效的成本控制、卓越的性能表现和持续的技术创新能力，是DeepSeek改写竞争格局的三个关键要素，也是中国科技创新能力的集中缩影。</p>
<p>上海金融与法律研究院研究员刘远举认为，“DeepSeek的出现，不是一种从无到有的创新，而是一种从1到100的创新”。他谈道，中国是一个有着超大市场规模的国家，拥有完整的产业链和庞大规模的工程师群体，具备快速规模化生产和市场应用的能力，“应用层反超已经成为中国创新的常态”。</p>
<p>西南大学新闻传媒学院讲师刘念也表达了相近观点，“Deepseek以更低的成本、更高性价比实现了真正的技术普及或者是普惠；同时，其开源路径为全球研究者提供参与和学习的机会，能进一步促进模型的优化和迭代。这不仅推动了中国AI产业的进步，也在推动全球AI技术的进步。”她谈道，Deepseek发展带来的启示，就是要坚持这样的“中国特色”，保持技术为人民服务的宗旨，坚持“开放、共享”的精神。“不可否认的是，Deepseek已经全面呈现了我国自主创新的实力。”</p>
<p>在这种“新常态”带来的改变和影响前所未有。重庆工商大学经济学院系主任李然在接受上游新闻记者采访时用了三个“有助于”进行概括：首先，DeepSeek的技术创新有助于技术突破与自主可控。作为国内领先的大模型，DeepSeek的突破标志着中国在AI底层技术上逐步摆脱对西方开源框架的依赖，为国产AI生态注入自主可控的关键能力；第二，有助于生态构建与产业升级。随着百度智能云、华为云、阿里云等云服务巨头以及国产芯片厂商的接入，DeepSeek生态将得到快速发展，从而推动金融、教育、医疗等垂直领域的智能化改造；第三，有助于国际竞争力提升。DeepSeek以更低的成本和更小的算力规模实现了与全球顶尖AI模型相当的效果，有助于中国企业人工智能产品在海外市场的拓展。“从长期来看，这将影响全球AI竞争格局，提升中国在国际科技领域的话语权和影响力。”李然主任说。</p>
<p><strong>新机遇</strong></p>
<p>DeepSeek引发的“杠杆效应”，推动科技创新从“单点突破”转向“系统繁荣”。</p>
<p>具体来讲，通过技术开源降低门槛、算力基建赋能产业、跨学科融合拓展边界、数据要素激活价值、全球化协作分散风险等多个方面的协同改变，正在将科技创新的机会从少数头部企业扩散到全产业链。</p>
<p>李然主任认为，对于人工智能相关产业，DeepSeek在促进技术合作与资源共享、降低成本与提高效率、拓展市场与国际化发展与加快人才培养与技术创新等方面，都将带来诸多全新的发展机遇。</p>
<p>当前，重庆正在积极推动以场景驱动人工智能产业发展战略。自2023年《重庆市以场景驱动人工智能产业高质量发展行动计划》发布以来，智能网联汽车与自动驾驶、智能制造与工业互联网、智慧城市与城市治理等人工智能相关产业发展势头良好，成效显著。</p>
<p>重庆软江图灵人工智能科技有限公司CEO陈强在接受上游新闻记者采访时谈道，随着DeepSeek与国产芯片的适配逐步成熟，也为重庆芯片研发企业提供了更多机会，“重庆可以利用半导体产业良好的发展基础和成熟优势，加快AI芯片的研发和生产，推动国产芯片在AI领域的应用。”</p>
<p>陈强还谈道，随着AI应用加速普及，数据中心的建设需求将显著提升，“重庆可以利用地理和政策优势，发展云计算和数据中心产业，为AI技术的落地提供基础设施支持。”同时，结合重庆制造业、医疗、金融等领域优势，推动AI与传统产业的深度融合。陈强举例介绍，软江图灵人工智能的蛋白质网络结构算法，专注于各种行业深度研究。“结合DeepSeek的强大推理能力和开源模式，将在生物医学研究、生物医学以及材料科学领域的专用AI模型创新和跨学科合作方面进行技术突破。”</p>
<p>陈强说，DeepSeek的开源和低价策略不仅推动了全球AI技术的普及，还将改变全球AI市场的格局，“这种模式为发展中国家提供了更多机会，将促进全球AI技术均衡发展。对于中国科技企业创新而言，算法创新、算力优化以及应用场景拓展都面临新的发展机遇。”</p>
<p><strong>新挑战</strong></p>
<p>DeepSeek的持续火爆，同时也成为各类社交媒体上的焦点话题。</p>
<p>西南大学新闻传媒学院讲师刘念告诉记者，“作为个人用户，我觉得DeepSeek还有一个很接地气的特点，就是人机感少、人味比较足，很多社交平台也比较流行用DeepSeek锐评某一事物，非常精彩。这说明这项技术已经不仅能带来经济效应，还能带来情绪价值或者情感满足。所以对于个人用户而言，未来可能还会应用到比如影视创作领域或者社交领域。”</p>
<p>和刘念的感触一致，记者身边多位受访者表示，AI为普通人的生活带来的改变令人目不暇给，学AI、用AI，已经成为每个人当下面临的重要课题。</p>
<p>那么对于整个科技行业创新来说，DeepSeek带来了哪些新的问题更需要关注和解决？</p>
<p>清华大学博士、浙江大学金融学系校外导师崔伟在《数字社会发展与研究》公众号发表的一篇文章颇具代表性。他指出，DeepSeek能在短时间内引发全球关注，主要得益于三大突出优势：更开放、更高效、更普惠。</p>
<p>文中谈道，“实践证明，在人工智能发展的三驾马车‘算力、算法和数据’中，算法因为开源模式的推进而逐步大众化，而算力本身并不是护城河，最终起到决定性意义的，可能是‘数据’。目前，关于DeepSeek训练数据来源的争议，恰恰反映了数据本身存在着壁垒。对于企业更是如此，自己的数据，才是自身的价值所在，这是我国推进数据要素产业的背景之一。”</p>
<p>崔伟在文中特别谈道，“要实现超越式的创新和绝对领先，可能还需要在核心算法、硬件体系等方面取得理论上的进一步创新。”他还提到，“大模型的真正价值，关键还是在应用。目前在各种媒体上看到的DeepSeek应用，还是以日常效率提升为主，没有摆脱过去两年中人工智能应用的总体范式，而真正要在企业界、科研领域得到深入的应用，目前还存在着专业数据不足、应用能力有限等等限制。中国的AI应用型企业，特别是中小型企业，虽然有了DeepSeek这样的廉价模型，但是目前依然面临着‘融资寒冬’，投入有限。”另外，“开源虽然为技术创新提供了便利条件，但也带来了合规和安全等方面的挑战。”</p>
<p>崔伟认为，人工智能真正的竞争，现在才刚刚开始。</p>
<p>上游新闻记者 杨昕华</p>
<p><a rel="noopener noreferrer" href="https://new.qq.com/rain/a/20250207A05OGB00">qq</a></p>
','zh-CN','zh-Hans','["qq"]','https://new.qq.com/rain/a/20250207A05OGB00',NULL,'2025-02-07T15:51:13Z','2025-02-07T15:51:13Z','be152ed3d4ded2cad05cc18196cfb39b7543e798984ec62e8440dd893d7cab88');
CREATE TABLE "entry_tags" (
            tag_key TEXT NOT NULL, published TEXT NOT NULL, entry_id TEXT NOT NULL,
            PRIMARY KEY (tag_key, published, entry_id)
        ) WITHOUT ROWID;
INSERT INTO "entry_tags" VALUES('qq','2025-02-07T15:51:13Z','urn:uuid:21a8064e-f5e2-5c51-8033-2bace8602ceb');
INSERT INTO "entry_tags" VALUES('qq','2025-02-07T22:26:11Z','urn:uuid:2c2ac27a-537f-540e-92e4-f731bbaf7611');
INSERT INTO "entry_tags" VALUES('ai治理','2025-07-11T02:40:05Z','urn:uuid:d03c713c-65c6-5c44-b6a1-94921546dd2a');
INSERT INTO "entry_tags" VALUES('上海waic','2025-07-11T02:40:05Z','urn:uuid:d03c713c-65c6-5c44-b6a1-94921546dd2a');
INSERT INTO "entry_tags" VALUES('产业生态','2025-07-11T02:40:05Z','urn:uuid:d03c713c-65c6-5c44-b6a1-94921546dd2a');
INSERT INTO "entry_tags" VALUES('人工智能','2025-07-11T02:40:05Z','urn:uuid:d03c713c-65c6-5c44-b6a1-94921546dd2a');
INSERT INTO "entry_tags" VALUES('具身智能','2025-07-11T02:40:05Z','urn:uuid:d03c713c-65c6-5c44-b6a1-94921546dd2a');
INSERT INTO "entry_tags" VALUES('大模型','2025-07-11T02:40:05Z','urn:uuid:d03c713c-65c6-5c44-b6a1-94921546dd2a');
CREATE TABLE "feeds" (
   "path" TEXT PRIMARY KEY,
   "signature" TEXT
);
INSERT INTO "feeds" VALUES('all.atom','a7bbafcad5ec299b13369fda0b77c057889a93c6961e70886d9ef26c4e7068dd');
INSERT INTO "feeds" VALUES('lang/pt.atom','93df96b05523c8c417d958c4a5b2f0c1f4a5b84f23968dc575d7ae19269ba69f');
INSERT INTO "feeds" VALUES('lang/zh-Hans.atom','c4b1ec665198fb1b38f7763af1c69639520f7d4759cb36028dfb38a000fc3cbf');
INSERT INTO "feeds" VALUES('lang/zh-Hant.atom','8e218fe642e1b8212af4cf00cf9536c95fea5b8b97b2ffce9d017ebf5f9d78d3');
INSERT INTO "feeds" VALUES('tags/ai治理.atom','71a4edbd22d73a789ea081cb001338cf36b2e3ebd196b5c88c05b118b5ebb909');
INSERT INTO "feeds" VALUES('tags/qq.atom','acb45906edb44fead6758a9bad59aeba043bbca8dc2378c87a24d248553870a5');
INSERT INTO "feeds" VALUES('tags/上海waic.atom','6f5733e0d5bb170a5f8970d219453d0696a9d3fee1d839259543dbe3431f43d2');
INSERT INTO "feeds" VALUES('tags/产业生态.atom','902740af61a9c45d0a266e592a74433207eab723a12868ec41a71418482a5d01');
INSERT INTO "feeds" VALUES('tags/人工智能.atom','6c4077d232bd140996c0d362d5994115b91aad5ad4821016f80af0a22309329a');
INSERT INTO "feeds" VALUES('tags/具身智能.atom','957f44f5af98c50061e5eddd9fa1a8c25ce31305b89cf5f591e379bee9379f28');
INSERT INTO "feeds" VALUES('tags/大模型.atom','402d6739e3c5fe11ae7a6785c369f0ff2b937c515cc262b4f10b0f36c775bf2d');
CREATE TABLE "items" (
            source_id INTEGER NOT NULL, key TEXT NOT NULL, size INTEGER, mtime_ns INTEGER,
            entry_id TEXT, content_hash TEXT, first_seen TEXT, retired INTEGER DEFAULT 0,
            PRIMARY KEY (source_id, key)
        ) WITHOUT ROWID;
INSERT INTO "items" VALUES(0,'000_343c217136dc0f52.txt',5652,1796119555337498433,'urn:uuid:2c2ac27a-537f-540e-92e4-f731bbaf7611','v1:4b9765be1c8d795a5dd566dd568ac8f7d0ae83a4e699a57599ed2aa0937f1105','2026-12-01T10:05:55Z',0);
INSERT INTO "items" VALUES(0,'001_85c5616e57edde8b.txt',5778,1796119555337570612,'urn:uuid:9f6a7f9f-087c-5aa2-9ab3-04f8905fb026','v1:ec9375d2c1a88503431745c4677bb6154f738e485a3d8f8e479608a5a44dca1f','2026-12-01T10:05:55Z',0);
INSERT INTO "items" VALUES(0,'002_b2d43885ea254e28.txt',11002,1796119555337608641,'urn:uuid:d03c713c-65c6-5c44-b6a1-94921546dd2a','v1:8a387bcf4097d870b86b7e836b24a2a07da246a130a99faab7407cffd4e59248','2026-12-01T10:05:55Z',0);
INSERT INTO "items" VALUES(0,'003_d3ed8000c58bd57f.txt',6191,1796119555337638301,'urn:uuid:cbdad606-105b-54b2-8208-0293f683a9fc','v1:bc860ff5a09df0f760f75c6976a8164b7daac6aa534f99a016cb592893d78339','2026-12-01T10:05:55Z',0);
INSERT INTO "items" VALUES(0,'004_03038401cfc70408.txt',8922,1796119555337666587,'urn:uuid:21a8064e-f5e2-5c51-8033-2bace8602ceb','v1:c17826600cf513d4121d5de07ba1f545785e85ba158266e08ee4e9006dec2598','2026-12-01T10:05:55Z',0);
CREATE TABLE "langs" (
   "code" TEXT PRIMARY KEY,
   "created" TEXT
);
INSERT INTO "langs" VALUES('zh-Hans','2025-02-07T22:26:11Z');
INSERT INTO "langs" VALUES('zh-Hant','2026-12-01T10:05:55Z');
INSERT INTO "langs" VALUES('pt','2026-12-01T10:05:55Z');
CREATE TABLE "published" (
   "name" TEXT PRIMARY KEY,
   "value" TEXT
);
INSERT INTO "published" VALUES('settings','0.1.0
feedd
feedd
http://127.0.0.1:8080/
50');
INSERT INTO "published" VALUES('now','2026-12-01T10:05:55Z');
CREATE TABLE "sources" (
   "id" INTEGER PRIMARY KEY,
   "config_url" TEXT NOT NULL,
   "origin" TEXT NOT NULL,
   "url" TEXT NOT NULL,
   "name" TEXT,
   "title" TEXT,
   "etag" TEXT,
   "last_modified" TEXT,
   "last_fetch" TEXT,
   "last_status" TEXT,
   "last_error" TEXT,
   "errors" INTEGER DEFAULT 0,
   "next_check" TEXT,
   "disabled" TEXT,
   "moved_to" TEXT,
   "moved_seen" INTEGER DEFAULT 0,
   "last_size" INTEGER
);
CREATE TABLE "tags" (
   "key" TEXT PRIMARY KEY,
   "name" TEXT,
   "slug" TEXT,
   "created" TEXT
);
INSERT INTO "tags" VALUES('qq','qq','qq','2025-02-07T22:26:11Z');
INSERT INTO "tags" VALUES('人工智能','人工智能','人工智能','2025-07-11T02:40:05Z');
INSERT INTO "tags" VALUES('具身智能','具身智能','具身智能','2025-07-11T02:40:05Z');
INSERT INTO "tags" VALUES('大模型','大模型','大模型','2025-07-11T02:40:05Z');
INSERT INTO "tags" VALUES('产业生态','产业生态','产业生态','2025-07-11T02:40:05Z');
INSERT INTO "tags" VALUES('ai治理','AI治理','ai治理','2025-07-11T02:40:05Z');
INSERT INTO "tags" VALUES('上海waic','上海WAIC','上海waic','2025-07-11T02:40:05Z');
CREATE UNIQUE INDEX "idx_entries_content_hash"
    ON "entries" ("content_hash");
CREATE INDEX "idx_entries_published_id"
    ON "entries" ("published", "id");
CREATE INDEX "idx_entries_lang_group_published_id"
    ON "entries" ("lang_group", "published", "id");
CREATE UNIQUE INDEX "idx_tags_slug"
    ON "tags" ("slug");
CREATE UNIQUE INDEX "idx_sources_config_url"
    ON "sources" ("config_url");
CREATE INDEX idx_items_entry_id ON items (entry_id);
CREATE INDEX idx_entry_tags_entry_id ON entry_tags (entry_id);
DELETE FROM "sqlite_sequence";
INSERT INTO "sqlite_sequence" VALUES('dirty',11);
COMMIT;
