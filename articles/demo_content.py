"""
The demo newsroom's content: an invented wire service, its reporters, photos and stories.

All of it is original writing about invented places and people. It exercises every element a
wire story has: section, kicker, dek, dateline, a lead photo with an agency credit chain, a note to
editors and a picture id, several bylines with roles, quotations, tags, and republication terms.
"""

PUBLISHER = {
    "name": "The Civic Wire",
    "site_url": "http://127.0.0.1:8000",
    "licensing_email": "licensing@civicwire.example",
    "licence": "custom",
    "terms": (
        "Stories written by The Civic Wire, an independent, nonprofit news service, may be "
        "republished free of charge by any legitimate news organisation. Republished stories must "
        "carry our logo, the reporter's byline and the reporter's Civic Wire affiliation, and link "
        "back to the original. Photos may be reused only where the story's republication page says "
        "so. Write to licensing@civicwire.example with questions or to become a partner."
    ),
}

SECTIONS = [
    {
        "name": "World",
        "slug": "world",
        "order": 1,
        "description": "Reporting from beyond our borders.",
    },
    {
        "name": "Politics",
        "slug": "politics",
        "order": 2,
        "description": "Capitol, statehouse and city hall.",
    },
    {
        "name": "Business",
        "slug": "business",
        "order": 3,
        "description": "Work, money and the economy.",
    },
    {
        "name": "Science",
        "slug": "science",
        "order": 4,
        "description": "Climate, health and discovery.",
    },
]

AUTHORS = [
    {
        "name": "Maya Okafor",
        "slug": "maya-okafor",
        "job_title": "Foreign Affairs Correspondent",
        "bio": "Maya covers diplomacy and conflict. She previously reported from Lagos and Lisbon.",
        "social_network": "x",
        "social_handle": "@mayaokafor_cw",
        "social_url": "https://x.com/mayaokafor_cw",
        "tips_email": "maya@civicwire.example",
        "colour": (46, 94, 140),
    },
    {
        "name": "Tomás Lindqvist",
        "slug": "tomas-lindqvist",
        "job_title": "Climate and Science Reporter",
        "bio": "Tomás writes about weather, water and the people who measure them.",
        "social_network": "bluesky",
        "social_handle": "@tomasl.bsky.social",
        "social_url": "https://bsky.app/profile/tomasl.bsky.social",
        "tips_email": "tomas@civicwire.example",
        "colour": (44, 122, 90),
    },
    {
        "name": "Priya Raman",
        "slug": "priya-raman",
        "job_title": "Business Editor",
        "bio": "Priya edits the business desk and writes about labour and small firms.",
        "social_network": "mastodon",
        "social_handle": "@priya@newsie.social",
        "social_url": "https://newsie.social/@priya",
        "tips_email": "priya@civicwire.example",
        "colour": (150, 82, 40),
    },
    {
        "name": "Daniel Mercer",
        "slug": "daniel-mercer",
        "job_title": "Statehouse Reporter",
        "bio": "Daniel follows the legislature, its budgets and its votes.",
        "social_network": "x",
        "social_handle": "@dmercer_cw",
        "social_url": "https://x.com/dmercer_cw",
        "tips_email": "daniel@civicwire.example",
        "colour": (120, 50, 110),
    },
]

# Photos: a generated picture plus the credit fields an agency would send.
PHOTOS = {
    "harbour": {
        "reference_id": "NPX7Q2HB",
        "caption": "Cargo cranes stand idle at the port of Varenna after talks over fishing rights stalled.",
        "alt_text": "Three cargo cranes silhouetted against an orange evening sky over a harbour.",
        "agency": "NORDPRESS",
        "photographer": "Lena Holm",
        "providers": "Varenna Port Authority",
        "suffix": "Handout",
        "special_instructions": (
            "ATTENTION EDITORS - THIS IMAGE WAS PROVIDED BY A THIRD PARTY. "
            "NORDPRESS IS DISTRIBUTING IT UNALTERED AS A SERVICE TO CLIENTS. EDITORIAL USE ONLY."
        ),
        "copyright_notice": "© 2026 Varenna Port Authority",
        "may_republish": False,
        "palette": ((255, 140, 66), (90, 40, 80)),
    },
    "summit": {
        "reference_id": "NPX7Q3SM",
        "caption": "Delegates arrive for the second day of the Lake Orla water summit.",
        "alt_text": "A row of flags in front of a glass conference hall under a grey sky.",
        "agency": "NORDPRESS",
        "photographer": "Arjun Desai",
        "providers": "",
        "suffix": "Files",
        "special_instructions": "FILE PHOTO. MANDATORY CREDIT. NO ARCHIVES.",
        "copyright_notice": "© 2026 Nordpress",
        "may_republish": False,
        "palette": ((120, 140, 160), (40, 50, 70)),
    },
    "statehouse": {
        "reference_id": "CW-0412",
        "caption": "Lawmakers leave the statehouse chamber after the late-night budget vote.",
        "alt_text": "The domed statehouse at dusk with lit windows.",
        "agency": "",
        "photographer": "Daniel Mercer",
        "providers": "",
        "suffix": "",
        "credit_override": "Daniel Mercer/The Civic Wire",
        "copyright_notice": "© 2026 The Civic Wire",
        "may_republish": True,
        "palette": ((60, 80, 140), (20, 20, 40)),
    },
    "bakery": {
        "reference_id": "CW-0415",
        "caption": "Staff at a cooperative bakery in Eastgate prepare the morning's bread.",
        "alt_text": "Loaves of bread cooling on wooden racks in a warm kitchen.",
        "photographer": "Priya Raman",
        "credit_override": "Priya Raman/The Civic Wire",
        "copyright_notice": "© 2026 The Civic Wire",
        "may_republish": True,
        "palette": ((230, 180, 110), (120, 70, 30)),
    },
    "glacier": {
        "reference_id": "GLX-88213",
        "alt_text": "Two people in red jackets walking across a pale blue glacier.",
        "suffix": "Pool",
        "may_republish": False,
        "palette": ((190, 225, 240), (40, 90, 130)),
        # Written into the JPEG as IPTC IIM, as an agency does; the upload fills these fields.
        "iptc": {
            "caption": "Researchers cross the lower tongue of the Sorbrae glacier to reach a melt gauge.",
            "agency": "POLAR IMAGES",
            "photographer": "Inés Varga",
            "providers": "Sorbrae Field Station",
            "special_instructions": "POOL PHOTO. EDITORIAL USE ONLY. NO SALES.",
            "copyright_notice": "© 2026 Polar Images",
        },
    },
    "market": {
        "reference_id": "CW-0420",
        "caption": "Shoppers at the Saturday market in Millbrook, where stallholders say rents have doubled.",
        "alt_text": "Market stalls with striped awnings along a cobbled street.",
        "photographer": "Priya Raman",
        "credit_override": "Priya Raman/The Civic Wire",
        "copyright_notice": "© 2026 The Civic Wire",
        "may_republish": True,
        "palette": ((200, 70, 60), (250, 220, 150)),
    },
}

PUBLISHED = "published"

ARTICLES = [
    {
        "slug": "port-talks-stall-fishing-rights",
        "headline": "Port talks stall as neighbours trade claims over northern fishing grounds",
        "dek": "Negotiators from two coastal states left Varenna without a deal, and the cranes at the city's port fell silent.",
        "section": "world",
        "dateline": "VARENNA",
        "authors": [("maya-okafor", ""), ("tomas-lindqvist", "Additional reporting by")],
        "photo": "harbour",
        "tags": ["Fisheries", "Diplomacy", "Trade"],
        "hours_ago": 2,
        "body": """
<p>Talks meant to settle a decade-old quarrel over the northern fishing grounds broke up on Tuesday with no date set to resume, leaving hundreds of crews uncertain whether they may sail next season.</p>
<p>Both delegations had arrived saying a deal was close. By the third evening, officials on each side were briefing reporters that the other had moved the boundary line on the map.</p>
<blockquote><p>“We came to divide the catch, not to redraw the coast. Until the other side accepts the survey both of us paid for, there is nothing to sign.”</p><cite>— a senior negotiator, speaking on condition of anonymity</cite></blockquote>
<h2>Crews in limbo</h2>
<p>At the port, dock workers said the uncertainty had already cost them. Several trawler owners have delayed repairs until they know where they will be allowed to fish.</p>
<p>The dispute turns on a 2019 hydrographic survey that placed a shallow bank several miles further east than older charts. Each government has published its own reading of what that means for the line between their waters.</p>
""",
    },
    {
        "slug": "lake-orla-water-summit-opens",
        "headline": "Water summit opens at Lake Orla with a warning about shrinking reservoirs",
        "dek": "Ministers from eleven countries heard that the region's reservoirs hold a third less than they did twenty years ago.",
        "section": "world",
        "dateline": "LAKE ORLA",
        "authors": [("maya-okafor", "")],
        "photo": "summit",
        "tags": ["Water", "Climate", "Diplomacy"],
        "hours_ago": 26,
        "body": """
<p>The first regional water summit in six years opened on Monday with a blunt assessment from the hydrologists invited to address it: the reservoirs that supply most of the basin's cities are emptier every decade.</p>
<p>“The water is not going to come back because we sign a communiqué,” said Dr. Halvard Strand, who leads the basin's monitoring network. “It will come back if we use less of it in August.”</p>
<p>Delegates are expected to discuss a shared drought fund and a common system for publishing reservoir levels each week.</p>
""",
    },
    {
        "slug": "ceasefire-monitors-border-villages",
        "headline": "Ceasefire monitors reach border villages for the first time since spring",
        "dek": "A small team of observers was allowed through two checkpoints after weeks of negotiation.",
        "section": "world",
        "dateline": "KESSAR",
        "authors": [("maya-okafor", "")],
        "photo": None,
        "tags": ["Conflict", "Diplomacy"],
        "hours_ago": 50,
        "body": """
<p>International monitors entered three villages along the disputed border on Thursday, the first outside observers to do so since fighting flared in April.</p>
<p>Residents told the team that the shelling had stopped but that the main road remained mined. A report is due to the regional council within ten days.</p>
""",
    },
    {
        "slug": "budget-passes-after-midnight-vote",
        "headline": "State budget passes after midnight vote, with money for rural clinics",
        "dek": "The compromise adds funding for clinics in six counties and delays a tax cut by a year.",
        "section": "politics",
        "dateline": "",
        "authors": [("daniel-mercer", "")],
        "photo": "statehouse",
        "tags": ["Budget", "Health care", "Legislature"],
        "hours_ago": 5,
        "body": """
<p>Lawmakers approved the state's two-year budget shortly after midnight on Friday, ending a standoff that had threatened to close state offices next week.</p>
<p>The final plan sets aside money to keep rural clinics open in six counties, a priority for members from farming districts, and pushes back a planned income-tax cut until the following year.</p>
<blockquote><p>“Nobody got everything. But the clinics stay open, and that is what people back home asked me about.”</p><cite>— Rep. June Castellano</cite></blockquote>
<p>The governor is expected to sign the bill next week.</p>
""",
    },
    {
        "slug": "city-council-transit-fares-frozen",
        "headline": "City council freezes transit fares for another year",
        "dek": "The vote was unanimous, but members disagree about how to pay for it.",
        "section": "politics",
        "dateline": "",
        "authors": [("daniel-mercer", "")],
        "photo": None,
        "tags": ["Transit", "City hall"],
        "hours_ago": 30,
        "body": """
<p>Bus and tram fares will stay at their current level until next autumn after the city council voted 9-0 on Wednesday to extend the freeze.</p>
<p>The transit authority says the freeze will leave a gap in its budget. Council members have proposed covering it from parking revenue, a plan some downtown businesses oppose.</p>
""",
    },
    {
        "slug": "election-board-new-ballot-design",
        "headline": "Election board tests a new ballot design meant to cut spoiled votes",
        "dek": "Larger type and fewer columns are among the changes being trialled in two counties.",
        "section": "politics",
        "dateline": "",
        "authors": [("daniel-mercer", ""), ("priya-raman", "Additional reporting by")],
        "photo": None,
        "tags": ["Elections", "Legislature"],
        "hours_ago": 74,
        "body": """
<p>Voters in two counties will see a redesigned ballot in the spring primaries, part of a trial the state election board hopes will reduce the number of ballots rejected by counting machines.</p>
<p>Officials said most spoiled ballots came from voters marking two candidates in a crowded column. The new layout lists fewer names per column and uses larger type.</p>
""",
    },
    {
        "slug": "cooperative-bakeries-expand",
        "headline": "Worker-owned bakeries expand as chains close their suburban shops",
        "dek": "Three cooperatives opened in empty storefronts this year, and their members say the model travels.",
        "section": "business",
        "dateline": "EASTGATE",
        "authors": [("priya-raman", "")],
        "photo": "bakery",
        "tags": ["Cooperatives", "Small business", "Labour"],
        "hours_ago": 8,
        "body": """
<p>When the last chain bakery on Eastgate's high street closed in January, its former shift supervisor did something her old employer had not: she asked the staff whether they wanted to own the place.</p>
<p>Eleven of them said yes. Their cooperative opened in the same storefront in May, and two more have since started in neighbouring towns with help from the same regional loan fund.</p>
<blockquote><p>“We already knew how to run the ovens. What we had to learn was how to read a balance sheet, and how to disagree in a meeting without anyone quitting.”</p><cite>— Rosa Ilves, a founding member</cite></blockquote>
<p>Economists caution that cooperatives remain a small share of the retail sector, and that early success often depends on a loyal local customer base.</p>
""",
    },
    {
        "slug": "millbrook-market-rents-double",
        "headline": "Millbrook's market traders say stall rents have doubled in two years",
        "dek": "The council says the increases pay for long-delayed repairs; traders say they are being priced out.",
        "section": "business",
        "dateline": "MILLBROOK",
        "authors": [("priya-raman", "")],
        "photo": "market",
        "tags": ["Small business", "City hall"],
        "hours_ago": 32,
        "body": """
<p>Stallholders at Millbrook's Saturday market say the fee for a standard pitch has risen from 40 to 85 a week since 2024, and that several long-standing traders have already left.</p>
<p>The council says the money is paying for a new drainage system and covered walkways. A public meeting on the fees is set for next month.</p>
""",
    },
    {
        "slug": "regional-lender-small-firm-loans",
        "headline": "Regional lender opens a fund for firms turned away by the big banks",
        "dek": "The fund will lend up to 50,000 to businesses with fewer than twenty staff.",
        "section": "business",
        "dateline": "",
        "authors": [("priya-raman", "")],
        "photo": None,
        "tags": ["Small business", "Banking"],
        "hours_ago": 98,
        "body": """
<p>A regional credit union said on Monday it would set aside 20 million for loans to small firms that have been refused credit elsewhere in the past year.</p>
<p>Applicants will need two years of accounts and a plan reviewed by one of the region's business advice centres.</p>
""",
    },
    {
        "slug": "sorbrae-glacier-melt-record",
        "headline": "Sorbrae glacier lost more ice this summer than in any year on record",
        "dek": "Field station gauges show the lower glacier thinned by almost four metres between June and September.",
        "section": "science",
        "dateline": "SORBRAE FIELD STATION",
        "authors": [("tomas-lindqvist", "")],
        "photo": "glacier",
        "tags": ["Climate", "Glaciers", "Water"],
        "hours_ago": 12,
        "body": """
<p>The Sorbrae glacier lost more ice this summer than in any year since measurements began in 1961, according to readings published on Wednesday by the field station that monitors it.</p>
<p>Gauges drilled into the lower glacier showed it thinned by 3.8 metres between June and September, against an average of 1.1 metres in the 1990s.</p>
<blockquote><p>“Every year we replace stakes that have melted out. This year we replaced them twice.”</p><cite>— Dr. Ines Varga, station glaciologist</cite></blockquote>
<p>Meltwater from the glacier feeds the river that supplies two towns downstream. Their water boards said supply was not at risk this year.</p>
""",
    },
    {
        "slug": "citizen-scientists-map-urban-heat",
        "headline": "Volunteers with thermometers map the city's hottest streets",
        "dek": "Four hundred residents recorded temperatures on one August afternoon; the hottest block was 7°C warmer than the park.",
        "section": "science",
        "dateline": "",
        "authors": [("tomas-lindqvist", "")],
        "photo": None,
        "tags": ["Climate", "Cities"],
        "hours_ago": 56,
        "body": """
<p>On the hottest afternoon of August, four hundred volunteers clipped thermometers to their bicycles and backpacks and set out along routes drawn up by the university's geography department.</p>
<p>The resulting map shows the warmest streets clustered around car parks and wide roads without trees. The city plans to use it to decide where to plant next spring.</p>
""",
    },
    {
        "slug": "river-otters-return-upstream",
        "headline": "Otters return to the upper river for the first time in forty years",
        "dek": "Camera traps caught a family of four near the old mill weir.",
        "section": "science",
        "dateline": "",
        "authors": [("tomas-lindqvist", "")],
        "photo": None,
        "tags": ["Wildlife", "Water"],
        "hours_ago": 120,
        "body": """
<p>River otters have been filmed on the upper reaches of the river for the first time since the early 1980s, a sign, ecologists say, that cleaner water has brought back the fish they eat.</p>
<p>The footage came from camera traps installed by a local angling club near the old mill weir.</p>
""",
    },
    # Not public: one of each state the public must never see.
    {
        "slug": "draft-harbour-dredging-plan",
        "headline": "DRAFT: Harbour dredging plan would deepen the channel by two metres",
        "dek": "Not yet filed.",
        "section": "business",
        "authors": [("priya-raman", "")],
        "photo": None,
        "tags": ["Trade"],
        "status": "draft",
        "body": "<p>Notes for a story on the dredging plan. Waiting on the port authority.</p>",
    },
    {
        "slug": "in-review-school-meals-pilot",
        "headline": "IN REVIEW: School meals pilot to expand to thirty more schools",
        "dek": "Awaiting an editor.",
        "section": "politics",
        "authors": [("daniel-mercer", "")],
        "photo": None,
        "tags": ["Education"],
        "status": "in_review",
        "body": "<p>The state will extend its free school meals pilot, according to a draft plan.</p>",
    },
    {
        "slug": "scheduled-drought-fund-agreed",
        "headline": "SCHEDULED: Summit agrees a shared drought fund",
        "dek": "Embargoed until tomorrow.",
        "section": "world",
        "authors": [("maya-okafor", "")],
        "photo": "summit",
        "tags": ["Water", "Diplomacy"],
        "status": PUBLISHED,
        "hours_ago": -24,
        "body": "<p>Delegates at the Lake Orla summit agreed to create a shared drought fund.</p>",
    },
    {
        "slug": "withdrawn-factory-closure-report",
        "headline": "WITHDRAWN: Factory closure report",
        "dek": "Withdrawn after publication.",
        "section": "business",
        "authors": [("priya-raman", "")],
        "photo": None,
        "tags": ["Labour"],
        "status": "withdrawn",
        "hours_ago": 200,
        "body": "<p>This report was withdrawn because its main source retracted their account.</p>",
    },
]

# A series in three parts (the third scheduled: readers see "Part 1 of 2" until it goes out).
SERIES = [
    {
        "slug": "water-under-pressure",
        "name": "Water under pressure",
        "description": "How a warming summer is changing the region's lakes, glaciers and rivers.",
        "parts": [
            "lake-orla-water-summit-opens",
            "sorbrae-glacier-melt-record",
            "scheduled-drought-fund-agreed",
        ],
    },
]

# Related stories picked by hand: {story: [related stories, in order]}. The others find theirs.
RELATED = {
    "budget-passes-after-midnight-vote": [
        "city-council-transit-fares-frozen",
        "election-board-new-ballot-design",
    ],
}
