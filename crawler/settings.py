"""Scrapy settings for the vnfa crawler. Every project-specific setting is documented here."""

BOT_NAME = "vnfa"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"
COMMANDS_MODULE = "crawler.commands"

# --- identity and politeness --------------------------------------------------------------
#: who to contact about this crawler; sent in the User-Agent
CONTACT = "vnfa-crawler maintainers <vnfa-crawler@users.noreply.github.com>"
#: USER_AGENT is built from CONTACT when the crawl starts (crawler.ops.addon), so -s CONTACT=... reaches it;
#: a scrapyd job (-a _job=ID) gets its own JOBDIR (crawler.ops.jobdir)
ADDONS = {"crawler.ops.addon.ContactUserAgent": 0, "crawler.ops.jobdir.JobDirPerJob": 10}
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.25
DOWNLOAD_TIMEOUT = 30
RETRY_ENABLED = True
RETRY_TIMES = 4
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
#: retries wait RETRY_BACKOFF_BASE * 2**(n-1) seconds (jittered, capped), or the server's Retry-After
RETRY_BACKOFF_BASE = 1.0
RETRY_BACKOFF_MAX = 60.0
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
COOKIES_ENABLED = True  # Liferay (Can Tho) keeps its session in a cookie instead of ;jsessionid
#: Scrapy starts CONCURRENT_ITEMS asyncio tasks for the output of every response (each costs ~0.02 ms of
#: CPU here: the default 100 is about 2 ms a page, as much as a bare spider's whole page; 32 -> 8 saves
#: ~0.4 ms a page, bench/bench_replay.py). Every pipeline of the project is synchronous, so items never
#: overlap anyway. Not lower: a response whose output outgrows the task queue (2 x CONCURRENT_ITEMS) is
#: processed over several turns of the event loop, interleaved with other responses, which can change
#: the order articles reach the story graph (whose link evidence is what was known at arrival). With 8,
#: every recording under tests/fixtures gives the same items as with 32 (scripts/compare_items.py
#: --only replays); with 1, 15 of their items differ in that evidence.
CONCURRENT_ITEMS = 8

# --- Scrapy 2.19 housekeeping ---------------------------------------------------------------
#: Scrapy's memory stats collector minus its per-access deprecation shim (~20x cheaper per call)
STATS_CLASS = "crawler.ops.stats.StatsCollector"
#: Scrapy re-reads and parses a generator callback's source on every response to warn about a ``return
#: value`` in it: its cache is keyed by weak references to bound methods, which die with their request,
#: so it seldom hits (1-4 ms a response for our callbacks; ~9 % of a replay's CPU). The check is made
#: once, over every spider's callbacks, by tests/test_callbacks.py instead.
WARN_ON_GENERATOR_RETURN_VALUE = False
#: the RemoteControl extension opens a local port and writes under ~/.local/state
REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
#: a dropped item is logged as its URL and reason, a duplicate at DEBUG (never the whole item)
LOG_FORMATTER = "crawler.ops.logformatter.QuietDropFormatter"

# --- health monitors (crawler.ops.monitors, spidermon), enabled for the site spiders ------------
EXTENSIONS = {
    "crawler.ops.monitors.ItemFieldCounter": 400,
    # after CoreStats (0): the monitors read the finish reason
    "spidermon.contrib.scrapy.extensions.Spidermon": 500,
}
SPIDERMON_ENABLED = False  # site spiders turn it on (spiders.base.SiteSpider.update_settings)
#: ratios are judged from this many pages/items on
MONITOR_MIN_ITEMS = 3
#: article pages read / articles discovery queued (those the seen-store skipped aside)
MONITOR_ITEMS_MIN_SHARE = 0.9
#: most pages on which one field may come from a fallback layer (generic, URL, discovery)
MONITOR_FALLBACK_MAX_SHARE = 0.5
#: parse errors + failed fields / article pages
MONITOR_ERROR_MAX_SHARE = 0.1
#: items whose page date is more than 3 days from the discovery date
MONITOR_DISAGREE_MAX_SHARE = 0.2
#: spidermon actions run when a monitor fails, e.g.
#: ["spidermon.contrib.actions.email.smtp.SendSmtpEmail",
#:  "spidermon.contrib.actions.slack.notifiers.SendSlackMessageSpiderFinished"]
#: (each configured by its SPIDERMON_* settings); none by default
MONITOR_FAILED_ACTIONS = []

# --- item pipeline ----------------------------------------------------------------------------
ITEM_PIPELINES = {
    "pipelines.normalize.NormalizePipeline": 100,
    "pipelines.dates.DatesPipeline": 200,
    "pipelines.scope.ScopePipeline": 250,
    "pipelines.dedup.DedupPipeline": 300,
    "pipelines.archive.ArchivePipeline": 400,
    "pipelines.stories.StoriesPipeline": 450,
}
VALIDATE_REQUIRED_FIELDS = ["url", "site", "language", "body"]
VALIDATE_MIN_BODY_CHARS = 80
#: drop (instead of only counting) items an earlier run already archived
DEDUP_DROP_ARCHIVED = False
#: the embedded archive: SQLite + JSON Lines (+ WARC for live crawls)
ARCHIVE_DIR = "archive"
#: a postgresql:// URL selects the PostgreSQL archive instead (crawler.storage.backends; the
#: ``postgres`` extra): for crawls on several machines. Empty: SQLite under ARCHIVE_DIR.
ARCHIVE_URL = ""

# --- WARC record and replay (crawler.fetching.warc) ------------------------------------------------------
DOWNLOADER_MIDDLEWARES = {
    # dont_filter (discovery requests and their redirects) must not bypass allowed_domains
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    # Scrapy's retries, spaced out with exponential backoff / Retry-After (crawler.fetching.retry)
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.fetching.retry.BackoffRetryMiddleware": 550,
    "crawler.fetching.offsite.OffsiteMiddleware": 50,
    # after Offsite (50) and RobotsTxt (100): a replay makes the same decisions as a live crawl
    "crawler.fetching.warc.replay.WarcReplayMiddleware": 120,
    # the last to see a response: hands article pages to the parse pool (PARSE_WORKERS, below)
    "crawler.ops.parse_pool.ParsePoolMiddleware": 10,
    # below HttpCompression (590): records decoded bodies
    "crawler.fetching.warc.record.WarcRecorderMiddleware": 585,
    # above Redirect (600): records the 3xx responses RedirectMiddleware consumes
    "crawler.fetching.warc.record.WarcRedirectRecorderMiddleware": 650,
}
#: record every live http(s) response under <ARCHIVE_DIR>/warc (WARC_DIR overrides)
ARCHIVE_WARC = True
WARC_DIR = None
#: FILE_OR_DIR[,...]: answer every request from these WARC files (404 for misses), never the network
REPLAY_WARC = None

# --- JavaScript rendering (crawler.fetching.render, scrapy-playwright + Debian's Chromium), opt-in --------
RENDER_JS = False
#: retry an article through the browser when its body comes back empty
RENDER_JS_FALLBACK = True
CHROMIUM_PATH = "/usr/bin/chromium"

SPIDER_MIDDLEWARES = {
    "crawler.storage.seen.SeenStoreMiddleware": 950,
}
#: in-run request dedup in memory; the archive's seen-store is what persists (see module)
DUPEFILTER_CLASS = "crawler.fetching.dupefilter.MemoryDupeFilter"
#: a job scheduled through scrapyd (-a _job=ID) runs with JOBDIR=<JOBDIR_PER_JOB>/<spider>/<ID>, relative
#: to the node's scrapyd folder, unless a JOBDIR is given; None or "" turns it off (crawler.ops.jobdir)
JOBDIR_PER_JOB = "jobs"
#: with JOBDIR, discards the disk queues of a run that was killed instead of closed (crawler/scheduler.py)
SCHEDULER = "crawler.fetching.scheduler.ResumableScheduler"

# --- text-dump replay (scrapy crawl seeds) ---------------------------------------------------
#: text parsers tried in order on each dump; the first that recognizes the text reads it. The
#: vietnam.vn platform comes first: its pages republish the papers' articles with their markers
#: ("(Baohatinh.vn) - ", "TGVN.", "Can Tho Department of External Relations"), while no paper's page
#: carries the platform's header, doubled source line or localized "Source" + comment footer
TEXT_PARSERS = [
    "spiders.vietnamvn.text.VietnamvnText",
    "spiders.baohatinh.text.BaohatinhText",
    "spiders.baoquocte.text.BaoquocteText",
    "spiders.cantho.text.CanthoText",
]

# --- site spiders ------------------------------------------------------------------------------
#: incremental runs (no since/until) catch up from where the site's coverage ledger ends (the
#: archive's ``coverage`` table, ``scrapy coverage``); with nothing covered yet, from this many days back
INCREMENTAL_DEFAULT_DAYS = 7
#: pin "today" (YYYY-MM-DD, Hanoi) -- for replaying a recording as on the day it was made; None: the clock
TODAY = None
#: extra foreign-affairs terms for the topic tagger (-s TOPIC_EXTRA_TERMS="term one,term two");
#: changing them changes the tagger's version,
#: so recorded off-topic drops are reconsidered (``scrapy rescope``)
TOPIC_EXTRA_TERMS = []
#: cantho: never walk more listing pages than this in one run
CANTHO_MAX_PAGES = 200

# --- scrapy reparse (crawler.ops.reparse) ------------------------------------------------------
#: recorded responses sent to a parsing process at a time (results are still written in capture order)
REPARSE_CHUNK_SIZE = 16
#: seconds between two progress lines on stderr; 0: none
REPARSE_PROGRESS_INTERVAL = 1.0
#: without -s JOBDIR, a reparse journals here (one folder per set of input files), so the same command
#: after a kill resumes; the journal is removed once a run has gone through every capture
REPARSE_JOURNAL_DIR = "jobs/reparse"

# --- archive writes (crawler.storage.writer) ----------------------------------------------------
#: archive and story-graph writes on one writer thread with its own connection (in arrival order,
#: one transaction per article). Off: with the parse pool on (PARSE_WORKERS) the second core is the
#: parser's, and the thread's hand-offs cost more than they save (bench/bench_replay.py, 3,000
#: articles: 342 pages/s without it, 277 with it); it pays only with PARSE_WORKERS=0 (~+5 %)
ARCHIVE_WRITER_THREAD = False

# --- parse pool (crawler.ops.parse_pool) ------------------------------------------------------
#: worker processes that parse article pages during a crawl while the reactor goes on: a number, 0
#: (parse in the crawl process), or "auto": 1 when at least 2 CPUs are available to the process
PARSE_WORKERS = "auto"
#: article responses parsed in the crawl process before the pool starts: a small crawl (a test, a
#: quiet day's catch-up) never pays the pool's start (a forkserver and a worker importing the project)
PARSE_POOL_AFTER = 100
#: pages a worker may have waiting; past it the crawl process parses the page itself
PARSE_POOL_BACKLOG = 16
