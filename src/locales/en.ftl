start = Hello { $name }. { $role_text }
    Send /help to see what you can do.
role-admin = You are an admin: you get the alerts and may use the admin commands.
role-staff = Send me invoices (PDF, XML, photo or CSV), one by one or as an album.
role-model = Send me your videos; I store them in your folder.
help-title = Commands:
cmd-start = introduction
cmd-help = this help
cmd-status = service status, queues and disk
cmd-batch = status of a batch: /batch b_…
cmd-pause = pause receiving files
cmd-resume = resume receiving files
refused = Sorry, this account may not use this bot. Ask an admin to add you (your id is { $id }).
admin-only = That command is for admins only.
unknown-command = I don't know that command. Send /help for the list.
send-files = Send me a file. Send /help to see what I can take.
wrong-kind-staff = I take invoices as PDF, XML, CSV or photo; that file does not look like an invoice.
wrong-kind-model = I take videos; send the video as a video or as a video file.
too-big = That file is { $size }; the limit is { $max }.
too-big-cloud = That file is { $size }, and Telegram lets bots download only up to 20 MB. The admins know; send a smaller file for now.
receipt-video = Got your video ({ $size }). Storing it in your folder; I'll tell you when it's done.
receipt-video-nosize = Got your video. Storing it in your folder; I'll tell you when it's done.
receipt-invoice = Got your invoice (batch { $batch }).
receipt-batch = Got { $count } { $count ->
        [one] invoice
       *[other] invoices
    } (batch { $batch }). I'll tell you when they're done.
receipt-batch-videos = Got { $count } videos (batch { $batch }). I'll tell you when they're done.
paused-later = Receiving files is paused for now; your file is recorded and will be processed once it resumes.
already-received = I already got this file on { $date }; not storing it twice.
video-stored = Video stored: { $name }
batch-progress = Batch { $batch }: { $done } of { $total } processed…
batch-summary = Batch { $batch } done: { $stored } stored, { $duplicates } { $duplicates ->
        [one] duplicate
       *[other] duplicates
    }, { $failed } with problems.{ $problems }
batch-unknown = I can't find batch { $batch }.
batch-usage = Usage: /batch b_xxxxxxxx
paused = Intake paused. Files that arrive are recorded and processed after /resume.
resumed = Intake resumed.
cmd-review = invoices waiting for review
cmd-retry = retry failed downloads and invoices
review-approve-button = ✅ Approve #{ $id }
review-reject-button = ✖ Reject #{ $id }
review-approved = Invoice #{ $id } approved.
review-rejected = Invoice #{ $id } rejected.
review-none = No invoices wait for review.
review-title = { $count } { $count ->
        [one] invoice waits
       *[other] invoices wait
    } for review:
review-line = Invoice #{ $id } · { $files } · { $issuer } · { $total }: { $problems }
review-files = { $count ->
        [one] file
       *[other] files
    } { $files }
review-no-file = no file
review-no-issuer = no issuer RFC
review-no-total = no total
review-no-problem = no reason recorded
cmd-errors = open incidents, by type: /errors [type]
cmd-silence = mute alerts: /silence <rule|type> <duration> [reason]
cmd-silences = active silences
cmd-unsilence = lift a silence: /unsilence <id|rule|type>
cmd-ack = acknowledge an incident (no more reminders): /ack <id>
monitor-unavailable = I cannot read the monitor's records right now; the service log says why.
cmd-maintenance = pause repairs and alerts of a container or probe: /maintenance <target> <duration> [reason]
maintenance-usage = Usage: /maintenance <container or probe> <duration> [reason], e.g. /maintenance loader 2h upgrading; /maintenance loader off ends it; /maintenance lists them. Durations: 30m, 2h, 1d (at most 31d).
maintenance-unknown = { $target } is not a container or probe the monitor watches. It watches: { $targets }.
maintenance-done = Maintenance of { $target } until { $until }: no repairs and no alerts about it until then (/maintenance { $target } off ends it).
maintenance-ended = Maintenance of { $target } ended: repairs and alerts resume at the next check.
maintenance-not-active = { $target } was not in maintenance.
maintenance-none = No maintenance windows.
maintenance-title = In maintenance (no repairs, no alerts):
maintenance-line = { $target } until { $until }, by { $by }: { $reason }
errors-usage = Usage: /errors [type], e.g. /errors disk_full — a type is one word (letters, digits and _ . : @ / -)
errors-none = No open incidents.
errors-none-type = No open incidents of type { $type }.
errors-title = Open incidents: { $count }
errors-title-type = Open incidents of type { $type }: { $count }
errors-by-type = By type (open/all):
errors-line = #{ $id } { $mark } { $type } — { $target }: { $message } ({ $state }, { $count }×, last { $last })
errors-acked = , acknowledged by { $by }
errors-more = … and { $count } more: centinela incidents --open lists them all.
silence-usage = Usage: /silence <rule or type> <duration> [reason], e.g. /silence disk_full 2h disk being replaced. Durations: 30m, 1h, 2d.
silence-bad-matcher = “{ $value }” is not a rule id or an error type: one word of letters, digits and _ . : @ / -.
silence-long-reason = The reason is too long: at most { $max } characters.
silence-bad-duration = “{ $value }” is not a duration: write a number and a unit (30m, 1h, 2d), at most 365d.
silence-done = Silenced { $matcher } until { $until } (silence #{ $id }; /unsilence { $id } lifts it).
silences-none = No active silences.
silences-title = Active silences:
silences-line = #{ $id } { $matcher } until { $until }, by { $by }: { $reason }
silences-more = … and { $count } more.
unsilence-usage = Usage: /unsilence <silence id, rule or type>, e.g. /unsilence 3 — /silences lists them.
unsilence-none = No active silence matches { $what }. /silences lists them.
unsilence-done = { $count } { $count ->
        [one] silence
       *[other] silences
    } lifted.
ack-usage = Usage: /ack <incident id>, e.g. /ack 12 — /errors lists them.
ack-unknown = There is no incident #{ $id }. /errors lists the open ones.
ack-done = Incident #{ $id } acknowledged: no more reminders about it.
button-admin-only = Only admins can use these buttons.
button-unknown = I don't know this button (an old message?). Nothing was done.
button-gone = Incident #{ $id } no longer exists. Nothing was done.
button-failed = That did not work; the service log says why.
button-retry-done = Retry of #{ $id } requested.
button-retry-solved = #{ $id } is already solved: there is nothing to retry.
button-silence-done = { $rule } silenced until { $until }.
button-details-done = Details sent.
details-events = State changes, newest first:
details-more = … and { $count } older.
retried = Back in the queue: { $downloads } { $downloads ->
        [one] download
       *[other] downloads
    } and { $invoices } { $invoices ->
        [one] invoice
       *[other] invoices
    } (files { $files }).
retried-none = Nothing failed: nothing went back in the queue.
not-a-video = That file is not a video I can take (MP4, MOV, WebM or MKV). Send the video itself.
admin-stranger = 👤 Unknown sender refused: <b>{ $name }</b>, id <code>{ $id }</code>.
    To let them in, add them to telegram.users.
admin-conflict = 🔴 <b>Centinela stopped its Telegram intake</b>
    { $description }
admin-cloud-limit = ⚠️ { $name } sent a { $size } file; the cloud Bot API lets bots download only 20 MB.
    Run a local telegram-bot-api server (--local) and set <code>telegram.api_root</code> and <code>telegram.local_mode: true</code>.
admin-disk-full = 🔴 <b>Intake paused: disk almost full</b>
    { $dir } has { $free } free, below disk.critical_free ({ $critical }) after the next file.
    Free space, then /resume.
problem-line = { $name }: { $reason }
problem-not-video = it is not a video (MP4, MOV, WebM or MKV)
problem-too-big = it is too big
problem-failed = it could not be stored; the admins have the details
video-check-refused = ❌ Your video { $name } was not taken: { $reason }. It is set aside; send a corrected version if you want it posted.
video-check-too-large = it is { $size }, over the { $max } limit
video-check-too-long = it lasts { $duration }, over the { $max } limit
video-check-damaged = it is damaged or cut short and does not play
video-check-no-picture = it has no picture, only sound
button-retry-no-repair = #{ $id } has no repair to run again; /ack { $id } acknowledges it.
retry-nothing-unknown = There is no file #{ $id }.
retry-nothing-live = File #{ $id } is waiting or being processed already.
retry-nothing-no-job = File #{ $id } has nothing to run again.
retry-nothing-not-failed = File #{ $id } did not fail.
retry-skipped = { $count } left alone: another job does that work already.
retry-usage = Usage: /retry [FILE_ID …] — file ids are the #N that /batch and /review show (#12).
status-running = centinela { $version }: running (pid { $pid }, up { $uptime })
status-down = centinela { $version }: the service is DOWN (read from the store)
status-store = store: { $kind } { $location } ok
status-store-down = store: { $kind } { $location } UNREACHABLE: { $error }
status-module = module { $name }: { $state }
status-module-detail = module { $name }: { $state } ({ $detail })
status-process = process { $module } on { $host } pid { $pid }: { $state }, last beat { $ago } ago
status-process-gone = process { $module } on { $host } pid { $pid }: GONE, no heartbeat for { $ago } (crashed, killed or hung); no longer listed after { $listed }
status-process-started = , started { $ago } ago
status-process-holds = ; holds { $lease }
status-lease = { $lease }: held by { $host } pid { $pid } for { $ago }; the other processes wait and take over if it stops
status-lease-self = { $lease }: held by this process ({ $host } pid { $pid }) for { $ago }
status-no-queues = queues: no jobs yet
status-queue = queue { $queue }: { $counts }
status-queue-oldest = queue { $queue }: { $counts }; oldest waiting { $age }
status-queue-empty = empty
status-job-count = { $state } { $count }
status-batch = batch { $batch } ({ $source }): { $done }/{ $total } done, { $pace }{ $eta }{ $spent }
status-batch-pace = { $rate }/min
status-batch-no-pace = nothing finished yet
status-batch-eta = , about { $left } left
status-batch-cost = ; { $cost } so far
status-batch-tokens = ; { $tokens } tokens so far
status-probe = probe { $name }: { $value } { $unit }, newest { $age } ago
status-probe-unmeasured = probe { $name }: { $value } { $unit }, not measured yet
status-probe-age = probe { $name }: newest { $age } ago
status-probe-new = probe { $name }: not measured yet
status-probe-error = probe { $name }: cannot measure: { $error }
status-maintenance = maintenance { $target }: repairs and alerts paused until { $until } UTC ({ $left } left), by { $by }
status-maintenance-reason = maintenance { $target }: repairs and alerts paused until { $until } UTC ({ $left } left), by { $by }: { $reason }
status-repaired = repaired today: { $targets }
status-disk = disk { $path }: { $free } free of { $total }
status-error = error: job { $job } ({ $queue }) { $state }: { $error }
status-error-ago = error: job { $job } ({ $queue }) { $state } { $ago } ago: { $error }
status-log = log: { $problem }
status-paused = intake: PAUSED ({ $reason })
field-number = invoice number
field-series = series
field-issued-at = issue date
field-currency = currency
field-issuer-rfc = issuer RFC
field-issuer-name = issuer name
field-receiver-rfc = receiver RFC
field-receiver-name = receiver name
field-uuid = folio fiscal (UUID)
field-subtotal = subtotal
field-discount = discount
field-transferred-taxes = transferred taxes
field-withheld-taxes = withheld taxes
field-total = total
field-payment-form = payment form
field-payment-method = payment method
invoice-total-missing = the total is missing
invoice-date-missing = the issue date is missing
invoice-issuer-missing = the issuer's RFC or name is missing
invoice-number-missing = the invoice number or folio fiscal (UUID) is missing
invoice-date-future = the issue date { $date } is in the future
invoice-no-subtotal = there is no subtotal, so the total could not be checked against subtotal and taxes
invoice-sum-mismatch = the amounts do not add up: subtotal { $subtotal } − discount { $discount } + transferred taxes { $transferred } − withheld taxes { $withheld } = { $expected }, but the total is { $total } (off by { $off })
invoice-total-not-in-pdf = the total { $total } is not in the PDF text
invoice-field-not-in-pdf = the { $field } { $value } is not in the PDF text
invoice-not-rfc = the { $field } "{ $value }" is not an RFC (3–4 letters, 6 digits of a date, 3 letters or digits)
invoice-not-date = the { $field } "{ $value }" is not a date (write 2024-05-12, 12/05/2024 or 12 de mayo de 2024)
invoice-not-currency = the currency "{ $value }" is not a 3-letter code like MXN, USD or EUR
invoice-not-uuid = the { $field } "{ $value }" is not UUID-shaped (8-4-4-4-12 hexadecimal digits)
invoice-not-in-catalogue = the { $field } "{ $value }" is not in the SAT catalogue: it must be { $hint }
invoice-not-amount = the { $field } "{ $value }" is not an amount (write 1234.56 or 1,234.56)
invoice-field-unknown = the { $field } could not be told ({ $why })
invoice-field-guess = the { $field } { $value } is a guess: { $why }
invoice-low-confidence = low confidence ({ $confidence }): { $notes }
invoice-no-text-layer = the PDF has no text layer (a scan) and no OPENAI_API_KEY is set to read images: read it by hand, then centinela invoices approve ID --field total=… (or set OPENAI_API_KEY and send a photo of it)
invoice-no-text-layer-vision = the PDF has no text layer (a scan) and no page renderer is available to send it to vision: send a photo of it instead, or read it by hand and approve it with the values
invoice-no-photo-reader = no extractor is configured for photos: set OPENAI_API_KEY; a person must read it
invoice-model-broken = { $detail } (after { $attempts } attempts)
invoice-same-as = the same as invoice #{ $id } ({ $why }), recorded before
invoice-same-as-rejected = the same as invoice #{ $id } ({ $why }), recorded before and rejected in review
invoice-probable-duplicate = probably a duplicate of invoice #{ $id } (same issuer, number, total and date)
invoice-unreadable = { $detail }
file-same-as = the same file as #{ $id }, received before
file-job-state = the invoice job is { $state }
item-row = row { $row }: { $reason }
csv-not-text = the CSV is not text (it has binary bytes): export it again as CSV
csv-no-rows = the CSV has a header but no rows under it: one invoice per row
csv-line = line { $line }: { $detail }
csv-row-unreadable = the row cannot be read
csv-row = { $detail }
cfdi-concept-amount = concept { $index } ("{ $description }"): Importe { $amount } is not Cantidad { $quantity } × ValorUnitario { $unit } = { $product } (off by { $off })
cfdi-concepts-subtotal = the concepts add up to { $concepts } but SubTotal is { $subtotal } (off by { $off })
cfdi-concepts-discount = the concepts' discounts add up to { $concepts } but Descuento is { $discount } (off by { $off })
cfdi-sum-mismatch = the amounts do not add up: SubTotal { $subtotal } − Descuento { $discount } + transferred taxes { $transferred } − withheld taxes { $withheld } = { $expected }, but Total is { $total } (off by { $off })
cfdi-sum-mismatch-local = the amounts do not add up: SubTotal { $subtotal } − Descuento { $discount } + transferred taxes { $transferred } − withheld taxes { $withheld } + local taxes { $local } − local withholdings { $local_withheld } = { $expected }, but Total is { $total } (off by { $off })
cfdi-payment-method = MetodoPago "{ $value }" is not in the SAT catalogue: it must be { $hint }
cfdi-payment-form = FormaPago "{ $value }" is not in the SAT catalogue: it must be { $hint }
summary-invoices = Invoices: { $ok }, { $review }, { $duplicate }, { $error }.
summary-ok = { $count } ok
summary-review = { $count } to review
summary-duplicate = { $count ->
        [one] { $count } duplicate
       *[other] { $count } duplicates
    }
summary-error = { $count ->
        [one] { $count } with an error
       *[other] { $count } with errors
    }
summary-cost = Cost: { $tokens } tokens ≈ { $cost }
problem-item = • { $where }: { $outcome } — { $reason }
problem-item-plain = • { $where }: { $outcome }
problem-where-row = { $file }, row { $row }
problem-more = … +{ $count }
outcome-review = to review
outcome-duplicate = duplicate
outcome-error = with errors
batch-report-head = { $batch } ({ $source }, { $state }): { $done } of { $total } done ({ $percent }%){ $pace }{ $eta }
batch-report-no-pace = , no file finished yet
batch-report-pace = , { $rate }/min
batch-report-eta = , about { $left } left
batch-report-files = files: { $completed } ok, { $review } to review, { $duplicate } duplicate, { $failed } failed, { $pending } pending
batch-report-invoices = invoices: { $ok } ok, { $review } to review, { $duplicate } duplicate, { $error } with errors
batch-report-cost = cost: { $input } input + { $output } output tokens ≈ { $cost }
same-why-uuid = issuer { $rfc }, UUID { $uuid }
same-why-unstamped = not stamped: the same { $kind } XML by issuer { $issuer }, issued { $date }, total { $total }
file-failed = { $detail }
batch-outcome-review = review
batch-outcome-duplicate = duplicate
batch-outcome-error = error
csv-row-width = the row has { $cells } columns but the header has { $header }: check for a "{ $delimiter }" inside a value that is not quoted
csv-row-empty = the row has no value in any mapped column
cfdi-not-stamped = No TimbreFiscalDigital: the document is not stamped, so uuid is null.
cfdi-no-pagos = Type P document without a Pagos complement.
cfdi-empty-rfc = { $field } is empty; the RFC was recorded as null.
cfdi-currency = Comprobante@Moneda "{ $value }" is not an ISO currency code; recorded as written.
check-no-extension = the file has no extension
check-named = the file is named .{ $ext }
check-empty = the file is empty: send it again (the upload may have failed)
check-too-big = the file is { $size }, over { $limit } ({ $max }): send a smaller file or raise { $limit }
check-not-invoice = { $named } but its bytes are { $detected }: not an invoice
check-unsupported = unsupported type { $what }: send PDF, XML, CSV or a JPEG/PNG/WebP photo
check-rename = { $named } but its bytes are { $actual }: rename it to .{ $ext } or send the right file
check-what-binary = unrecognised binary data
check-what-text = text
check-damaged = { $named } but its bytes are { $what }, not { $expected }: the file may be damaged; send it again
check-binary = { $named } but its bytes are binary data, not { $expected }: send the original file
check-unsupported-binary = unsupported type: unrecognised binary data: send PDF, XML, CSV or a JPEG/PNG/WebP photo
check-blank = the file has only blank space: send the invoice itself
check-not-xml = { $named } but it does not start with "<": not an XML document; send the CFDI XML as the issuer sent it
check-is-xml = { $named } but its content is XML: rename it to .xml
check-not-csv = { $named } but it is not readable as CSV: { $problem }
check-unsupported-text = unsupported type: { $kind }: send PDF, XML, CSV or a JPEG/PNG/WebP photo
check-plain-text = plain text
check-ext-text = .{ $ext } text
type-exe = a Windows executable (MZ)
type-elf = a Linux executable (ELF)
type-macho = a macOS executable (Mach-O)
type-zip = a ZIP archive
type-rar = a RAR archive
type-7z = a 7-Zip archive
type-gz = a gzip archive
type-gif = a GIF image (image/gif)
type-docx = a Word document
type-xlsx = an Excel workbook
type-pdf = a PDF document
type-xml = an XML document
type-jpg = a JPEG image
type-png = a PNG image
type-webp = a WebP image
type-word-pdf = a PDF document
type-word-xml = an XML document
type-word-jpeg = a JPEG image
type-word-png = a PNG image
type-word-webp = a WebP image
type-word-csv = CSV text
post-unknown = ⚠️ <b>Post #{ $id } ({ $creator }): was it published?</b> The call to { $target } had no certain answer ({ $error }). Look at the channel, then say what happened; it is not sent again without you.
post-missed = ⏰ <b>Post #{ $id } ({ $creator }) was missed</b>: it was due at { $planned } in { $target } and the service was down longer than content.missed_grace.
post-failed = 🔴 <b>Post #{ $id } ({ $creator }) could not be published</b> in { $target }: { $error }
post-button-published = It was published
post-button-again = Publish again
post-button-now = Publish now
post-button-plan = Plan again
post-answer-published = Post #{ $id } marked as published.
post-answer-again = Post #{ $id } will be published now.
post-answer-plan = Post #{ $id } planned for { $at }.
post-answer-stale = Post #{ $id } is { $state } now: nothing was done.
webhook-failed = 🔴 <b>Post #{ $id } ({ $creator }) did not reach { $url }</b>: { $error }. It is out on Telegram as it was; after fixing the receiver, send it again with <code>centinela jobs retry --queue content.webhook</code>.
post-receipt = 📅 Your video (post #{ $id }) goes out on { $when }.
post-receipt-approval = 📅 Your video (post #{ $id }) is planned for { $when }, once an admin approves its caption.
admin-caption-budget = 💸 <b>Caption budget spent for today</b> (content.gemini.daily_budget { $budget } USD): new posts get their creator's template caption until midnight UTC.
cmd-queue = next posts: /queue [creator]
cmd-postnow = publish a post now: /postnow <post>
cmd-skip = cancel a post: /skip <post>
cmd-reschedule = move a post: /reschedule <post> <HH:MM | YYYY-MM-DD HH:MM> (creator's zone)
cmd-caption = replace a post's caption: /caption <post> <text>
post-cmd-usage = Usage: { $usage }
post-cmd-none = There is no post #{ $id }.
post-cmd-bad-time = "{ $when }" is not a time: HH:MM or YYYY-MM-DD HH:MM, in the creator's zone.
post-cmd-planned = Post #{ $id } planned for { $at }.
post-cmd-skipped = Post #{ $id } cancelled.
post-cmd-captioned = Caption of post #{ $id } replaced.
post-cmd-queue-empty = No posts waiting.
post-approval = 📝 <b>Post #{ $id } ({ $creator }) waits for your approval</b>, planned for { $planned }. Its caption:

  { $caption }
post-approval-no-caption = (no caption)
post-button-approve = Approve
post-button-edit = Edit
post-button-reject = Reject
post-approval-approved = Post #{ $id } approved: it goes out on { $at }.
post-approval-rejected = Post #{ $id } rejected: it will not be published.
post-approval-outdated = The caption of post #{ $id } changed since this message: approve the new one (the latest message about it).
post-approval-edit-prompt = Send the new caption of post #{ $id } as your next message in this chat.
post-approval-edited = Caption of post #{ $id } replaced: it waits for approval again (a new message with buttons).
post-approval-edit-stale = Post #{ $id } is { $state } now: your text was not used as its caption.
post-approval-too-long = That caption has { $length } characters; Telegram takes at most { $max }. Send a shorter one for post #{ $id }.
post-cmd-captioned-approval = Caption of post #{ $id } replaced: it waits for approval again (a new message with buttons).
problem-video-refused = it was set aside after its check; the message above says why

# Google Drive sync (centinela sync, /sync, status)
drive-sync-summary = Drive sync ({ $mode }) in { $duration }: { $downloaded } files taken: { $ok } ok, { $duplicate } duplicates, { $review } to review, { $error } errors, { $pending } still processing; { $ignored } ignored, { $failed } failed; { $calls } Drive calls
drive-sync-dry = Dry run ({ $mode }), nothing changed: { $count } files would be taken
drive-sync-critical = Drive sync failed: { $problem }
drive-sync-busy = A Drive sync is already running: { $detail }
drive-sync-started = Drive sync started; the summary follows when it ends.
drive-sync-off = No Drive folders configured (drive.folders).
status-drive = drive: last sync { $ago } ago ({ $mode }, { $duration }): { $taken } files taken, { $ignored } ignored, { $failed } failed
status-drive-failed = drive: last sync { $ago } ago FAILED: { $problem }
cmd-sync = take new invoices from Google Drive now: /sync, or /sync dry to see what it would take

# /web: the web page's sign-in link
cmd-web = a link that signs you in to the web page
web-link =
    Open this link to sign in to the web page (it works once, for 10 minutes):
    { $url }
