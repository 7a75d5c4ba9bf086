start = Hola { $name }. { $role_text }
    Escribe /help para ver lo que puedes hacer.
role-admin = Eres administrador: recibes las alertas y puedes usar los comandos de administración.
role-staff = Envíame facturas (PDF, XML, foto o CSV), una por una o en álbum.
role-model = Envíame tus videos; los guardo en tu carpeta.
help-title = Comandos disponibles:
cmd-start = presentación
cmd-help = esta ayuda
cmd-status = estado del servicio, colas y disco
cmd-batch = estado de un lote: /batch b_…
cmd-pause = pausar la recepción de archivos
cmd-resume = reanudar la recepción de archivos
refused = Lo siento, esta cuenta no está autorizada para usar este bot. Pide a un administrador que te agregue (tu id es { $id }).
admin-only = Ese comando es solo para administradores.
unknown-command = No conozco ese comando. Escribe /help para ver la lista.
send-files = Envíame un archivo. Escribe /help para ver qué puedo recibir.
wrong-kind-staff = Recibo facturas como PDF, XML, CSV o foto; ese archivo no parece una factura.
wrong-kind-model = Recibo videos; envía el video como video o como archivo de video.
too-big = Ese archivo pesa { $size }; el máximo es { $max }.
too-big-cloud = Ese archivo pesa { $size } y Telegram solo permite a los bots descargar hasta 20 MB. Ya avisé a los administradores; por ahora envía un archivo más pequeño.
receipt-video = Recibí tu video ({ $size }). Lo guardo en tu carpeta y te aviso.
receipt-video-nosize = Recibí tu video. Lo guardo en tu carpeta y te aviso.
receipt-invoice = Recibí tu factura (lote { $batch }).
receipt-batch = Recibí { $count } { $count ->
        [one] factura
       *[other] facturas
    } (lote { $batch }). Te aviso al terminar.
receipt-batch-videos = Recibí { $count } videos (lote { $batch }). Te aviso al terminar.
paused-later = La recepción está en pausa por ahora; tu archivo quedó registrado y lo proceso en cuanto se reanude.
already-received = Ya había recibido este archivo el { $date }; no lo guardo dos veces.
video-stored = Video guardado: { $name }
batch-progress = Lote { $batch }: { $done } de { $total } procesados…
batch-summary = Lote { $batch } terminado: { $stored } { $stored ->
        [one] guardado
       *[other] guardados
    }, { $duplicates } { $duplicates ->
        [one] repetido
       *[other] repetidos
    }, { $failed } con problemas.{ $problems }
batch-unknown = No encuentro el lote { $batch }.
batch-usage = Uso: /batch b_xxxxxxxx
paused = Recepción en pausa. Los archivos que lleguen quedan registrados y se procesan al reanudar con /resume.
resumed = Recepción reanudada.
cmd-review = facturas que esperan revisión
cmd-retry = reintentar descargas y facturas fallidas
review-approve-button = ✅ Aprobar #{ $id }
review-reject-button = ✖ Rechazar #{ $id }
review-approved = Factura #{ $id } aprobada.
review-rejected = Factura #{ $id } rechazada.
review-none = No hay facturas esperando revisión.
review-title = { $count } { $count ->
        [one] factura espera
       *[other] facturas esperan
    } revisión:
review-line = Factura #{ $id } · { $files } · { $issuer } · { $total }: { $problems }
review-files = { $count ->
        [one] archivo
       *[other] archivos
    } { $files }
review-no-file = sin archivo
review-no-issuer = sin RFC del emisor
review-no-total = sin total
review-no-problem = sin motivo registrado
cmd-errors = incidentes abiertos, por tipo: /errors [tipo]
cmd-silence = silenciar alertas: /silence <regla|tipo> <duración> [motivo]
cmd-silences = silencios activos
cmd-unsilence = quitar un silencio: /unsilence <id|regla|tipo>
cmd-ack = dar por visto un incidente (sin más recordatorios): /ack <id>
monitor-unavailable = Ahora no puedo leer los registros del monitor; el log del servicio dice por qué.
cmd-maintenance = pausar reparaciones y alertas de un contenedor o sonda: /maintenance <objetivo> <duración> [motivo]
maintenance-usage = Uso: /maintenance <contenedor o sonda> <duración> [motivo], p. ej. /maintenance loader 2h actualizando; /maintenance loader off la termina; /maintenance las lista. Duraciones: 30m, 2h, 1d (como mucho 31d).
maintenance-unknown = { $target } no es un contenedor ni una sonda que vigile el monitor. Vigila: { $targets }.
maintenance-done = Mantenimiento de { $target } hasta { $until }: ni reparaciones ni alertas sobre él hasta entonces (/maintenance { $target } off lo termina).
maintenance-ended = Terminó el mantenimiento de { $target }: reparaciones y alertas vuelven en la próxima revisión.
maintenance-not-active = { $target } no estaba en mantenimiento.
maintenance-none = No hay mantenimientos.
maintenance-title = En mantenimiento (sin reparaciones ni alertas):
maintenance-line = { $target } hasta { $until }, por { $by }: { $reason }
errors-usage = Uso: /errors [tipo], p. ej. /errors disk_full — un tipo es una palabra (letras, dígitos y _ . : @ / -)
errors-none = No hay incidentes abiertos.
errors-none-type = No hay incidentes abiertos de tipo { $type }.
errors-title = Incidentes abiertos: { $count }
errors-title-type = Incidentes abiertos de tipo { $type }: { $count }
errors-by-type = Por tipo (abiertos/todos):
errors-line = #{ $id } { $mark } { $type } — { $target }: { $message } ({ $state }, { $count }×, último { $last })
errors-acked = , visto por { $by }
errors-more = … y { $count } más: centinela incidents --open los lista todos.
silence-usage = Uso: /silence <regla o tipo> <duración> [motivo], p. ej. /silence disk_full 2h cambiando el disco. Duraciones: 30m, 1h, 2d.
silence-bad-matcher = «{ $value }» no es un id de regla ni un tipo de error: una palabra de letras, dígitos y _ . : @ / -.
silence-long-reason = El motivo es demasiado largo: como mucho { $max } caracteres.
silence-bad-duration = «{ $value }» no es una duración: escribe un número y una unidad (30m, 1h, 2d), como mucho 365d.
silence-done = { $matcher } silenciado hasta { $until } (silencio #{ $id }; /unsilence { $id } lo quita).
silences-none = No hay silencios activos.
silences-title = Silencios activos:
silences-line = #{ $id } { $matcher } hasta { $until }, por { $by }: { $reason }
silences-more = … y { $count } más.
unsilence-usage = Uso: /unsilence <id del silencio, regla o tipo>, p. ej. /unsilence 3 — /silences los lista.
unsilence-none = Ningún silencio activo coincide con { $what }. /silences los lista.
unsilence-done = { $count } { $count ->
        [one] silencio quitado
       *[other] silencios quitados
    }.
ack-usage = Uso: /ack <id del incidente>, p. ej. /ack 12 — /errors los lista.
ack-unknown = No existe el incidente #{ $id }. /errors lista los abiertos.
ack-done = Incidente #{ $id } visto: no habrá más recordatorios.
button-admin-only = Solo los administradores pueden usar estos botones.
button-unknown = No conozco este botón (¿un mensaje antiguo?). No hice nada.
button-gone = El incidente #{ $id } ya no existe. No hice nada.
button-failed = No funcionó; el log del servicio dice por qué.
button-retry-done = Reintento de #{ $id } pedido.
button-retry-solved = #{ $id } ya está resuelto: no hay nada que reintentar.
button-silence-done = { $rule } silenciado hasta { $until }.
button-details-done = Detalles enviados.
details-events = Cambios de estado, el más reciente primero:
details-more = … y { $count } anteriores.
retried = De vuelta en la cola: { $downloads } { $downloads ->
        [one] descarga
       *[other] descargas
    } y { $invoices } { $invoices ->
        [one] factura
       *[other] facturas
    } (archivos { $files }).
retried-none = Nada falló: nada volvió a la cola.
not-a-video = Ese archivo no es un video que pueda recibir (MP4, MOV, WebM o MKV). Envía el video en sí.
admin-stranger = 👤 Remitente desconocido rechazado: <b>{ $name }</b>, id <code>{ $id }</code>.
    Para dejarle entrar, agrégalo a telegram.users.
admin-conflict = 🔴 <b>Centinela detuvo su recepción de Telegram</b>
    { $description }
admin-cloud-limit = ⚠️ { $name } envió un archivo de { $size }; la Bot API en la nube solo deja descargar 20 MB a los bots.
    Ejecuta un servidor telegram-bot-api local (--local) y configura <code>telegram.api_root</code> y <code>telegram.local_mode: true</code>.
admin-disk-full = 🔴 <b>Recepción en pausa: disco casi lleno</b>
    { $dir } tiene { $free } libres, por debajo de disk.critical_free ({ $critical }) tras el próximo archivo.
    Libera espacio y luego /resume.
problem-line = { $name }: { $reason }
problem-not-video = no es un video (MP4, MOV, WebM o MKV)
problem-too-big = es demasiado grande
problem-failed = no se pudo guardar; los administradores tienen los detalles
video-check-refused = ❌ Tu video { $name } no se recibió: { $reason }. Quedó apartado; envía una versión corregida si quieres que se publique.
video-check-too-large = pesa { $size }, más que el límite de { $max }
video-check-too-long = dura { $duration }, más que el límite de { $max }
video-check-damaged = está dañado o cortado y no se reproduce
video-check-no-picture = no tiene imagen, solo sonido
button-retry-no-repair = #{ $id } no tiene reparación que repetir; /ack { $id } lo da por visto.
retry-nothing-unknown = No hay archivo #{ $id }.
retry-nothing-live = El archivo #{ $id } ya está en espera o en proceso.
retry-nothing-no-job = El archivo #{ $id } no tiene nada que repetir.
retry-nothing-not-failed = El archivo #{ $id } no falló.
retry-skipped = { $count } sin tocar: otro trabajo ya hace eso.
retry-usage = Uso: /retry [ID …] — los ids de archivo son los #N que muestran /batch y /review (#12).
status-running = centinela { $version }: en marcha (pid { $pid }, desde hace { $uptime })
status-down = centinela { $version }: el servicio está CAÍDO (leído del almacén)
status-store = almacén: { $kind } { $location } bien
status-store-down = almacén: { $kind } { $location } INALCANZABLE: { $error }
status-module = módulo { $name }: { $state ->
        [starting] arrancando
        [running] en marcha
        [degraded] con fallos
        [off] apagado
        [stopped] detenido
       *[other] { $state }
    }
status-module-detail = módulo { $name }: { $state ->
        [starting] arrancando
        [running] en marcha
        [degraded] con fallos
        [off] apagado
        [stopped] detenido
       *[other] { $state }
    } ({ $detail })
status-process = proceso { $module } en { $host } pid { $pid }: { $state ->
        [starting] arrancando
        [running] en marcha
        [stopping] deteniéndose
        [stopped] detenido
       *[other] { $state }
    }, último latido hace { $ago }
status-process-gone = proceso { $module } en { $host } pid { $pid }: DESAPARECIDO, sin latido desde hace { $ago } (se cayó, lo mataron o está colgado); deja de listarse tras { $listed }
status-process-started = , arrancó hace { $ago }
status-process-holds = ; tiene { $lease }
status-lease = { $lease }: lo tiene { $host } pid { $pid } desde hace { $ago }; los demás procesos esperan y lo toman si se detiene
status-lease-self = { $lease }: lo tiene este proceso ({ $host } pid { $pid }) desde hace { $ago }
status-no-queues = colas: todavía sin trabajos
status-queue = cola { $queue }: { $counts }
status-queue-oldest = cola { $queue }: { $counts }; el más antiguo espera desde hace { $age }
status-queue-empty = vacía
status-job-count = { $state ->
        [waiting] en espera
        [active] en curso
        [done] hechos
        [failed] fallidos
        [dead] muertos
        [cancelled] cancelados
       *[other] { $state }
    } { $count }
status-batch = lote { $batch } ({ $source }): { $done }/{ $total } hechos, { $pace }{ $eta }{ $spent }
status-batch-pace = { $rate }/min
status-batch-no-pace = ninguno terminado aún
status-batch-eta = , faltan unos { $left }
status-batch-cost = ; { $cost } hasta ahora
status-batch-tokens = ; { $tokens } tokens hasta ahora
status-probe = sonda { $name }: { $value } { $unit }, lo más nuevo hace { $age }
status-probe-unmeasured = sonda { $name }: { $value } { $unit }, aún sin medir
status-probe-age = sonda { $name }: lo más nuevo hace { $age }
status-probe-new = sonda { $name }: aún sin medir
status-probe-error = sonda { $name }: no se puede medir: { $error }
status-maintenance = mantenimiento de { $target }: reparaciones y alertas en pausa hasta { $until } UTC (faltan { $left }), por { $by }
status-maintenance-reason = mantenimiento de { $target }: reparaciones y alertas en pausa hasta { $until } UTC (faltan { $left }), por { $by }: { $reason }
status-repaired = reparado hoy: { $targets }
status-disk = disco { $path }: { $free } libres de { $total }
status-error = error: trabajo { $job } ({ $queue }) { $state ->
        [failed] fallido
        [dead] muerto
       *[other] { $state }
    }: { $error }
status-error-ago = error: trabajo { $job } ({ $queue }) { $state ->
        [failed] fallido
        [dead] muerto
       *[other] { $state }
    } hace { $ago }: { $error }
status-log = log: { $problem }
status-paused = recepción: EN PAUSA ({ $reason })
field-number = número de factura
field-series = serie
field-issued-at = fecha de emisión
field-currency = moneda
field-issuer-rfc = RFC del emisor
field-issuer-name = nombre del emisor
field-receiver-rfc = RFC del receptor
field-receiver-name = nombre del receptor
field-uuid = folio fiscal (UUID)
field-subtotal = subtotal
field-discount = descuento
field-transferred-taxes = impuestos trasladados
field-withheld-taxes = impuestos retenidos
field-total = total
field-payment-form = forma de pago
field-payment-method = método de pago
invoice-total-missing = falta el total
invoice-date-missing = falta la fecha de emisión
invoice-issuer-missing = falta el RFC o el nombre del emisor
invoice-number-missing = falta el número de factura o el folio fiscal (UUID)
invoice-date-future = la fecha de emisión { $date } está en el futuro
invoice-no-subtotal = no hay subtotal, así que no se pudo comprobar el total contra el subtotal y los impuestos
invoice-sum-mismatch = los importes no cuadran: subtotal { $subtotal } − descuento { $discount } + impuestos trasladados { $transferred } − impuestos retenidos { $withheld } = { $expected }, pero el total es { $total } (diferencia de { $off })
invoice-total-not-in-pdf = el total { $total } no aparece en el texto del PDF
invoice-field-not-in-pdf = el { $field } { $value } no aparece en el texto del PDF
invoice-not-rfc = el { $field } «{ $value }» no es un RFC (3–4 letras, 6 dígitos de una fecha, 3 letras o dígitos)
invoice-not-date = la { $field } «{ $value }» no es una fecha (escribe 2024-05-12, 12/05/2024 o 12 de mayo de 2024)
invoice-not-currency = la moneda «{ $value }» no es un código de 3 letras como MXN, USD o EUR
invoice-not-uuid = el { $field } «{ $value }» no tiene forma de UUID (8-4-4-4-12 dígitos hexadecimales)
invoice-not-in-catalogue = «{ $value }» ({ $field }) no está en el catálogo del SAT: debe ser { $hint }
invoice-not-amount = «{ $value }» ({ $field }) no es un importe (escribe 1234.56 o 1,234.56)
invoice-field-unknown = no se pudo saber el campo { $field } ({ $why })
invoice-field-guess = { $field } { $value } es una suposición: { $why }
invoice-low-confidence = lectura poco segura ({ $confidence }): { $notes }
invoice-no-text-layer = el PDF no tiene capa de texto (es un escaneo) y no hay OPENAI_API_KEY para leer imágenes: léelo a mano y luego centinela invoices approve ID --field total=… (o configura OPENAI_API_KEY y envía una foto)
invoice-no-text-layer-vision = el PDF no tiene capa de texto (es un escaneo) y no hay cómo convertir sus páginas en imágenes para leerlas: envía una foto, o léelo a mano y apruébalo con los valores
invoice-no-photo-reader = no hay lector de fotos configurado (falta OPENAI_API_KEY): una persona debe leerla
invoice-model-broken = el modelo no dio una respuesta válida: { $detail } (tras { $attempts } intentos)
invoice-same-as = es la misma que la factura #{ $id } ({ $why }), registrada antes
invoice-same-as-rejected = es la misma que la factura #{ $id } ({ $why }), registrada antes y rechazada en revisión
invoice-probable-duplicate = probablemente repite la factura #{ $id } (mismo emisor, número, total y fecha)
invoice-unreadable = no se pudo leer: { $detail }
file-same-as = es el mismo archivo que #{ $id }, recibido antes
file-job-state = el trabajo de la factura está { $state ->
        [failed] fallido
        [dead] muerto
        [cancelled] cancelado
       *[other] { $state }
    }
item-row = fila { $row }: { $reason }
csv-not-text = el CSV no es texto (tiene bytes binarios): expórtalo de nuevo como CSV
csv-no-rows = el CSV tiene encabezado pero ninguna fila debajo: una factura por fila
csv-line = línea { $line }: { $detail }
csv-row-unreadable = la fila no se puede leer
csv-row = fila ilegible: { $detail }
cfdi-concept-amount = concepto { $index } («{ $description }»): el Importe { $amount } no es Cantidad { $quantity } × ValorUnitario { $unit } = { $product } (diferencia de { $off })
cfdi-concepts-subtotal = los conceptos suman { $concepts } pero el SubTotal es { $subtotal } (diferencia de { $off })
cfdi-concepts-discount = los descuentos de los conceptos suman { $concepts } pero el Descuento es { $discount } (diferencia de { $off })
cfdi-sum-mismatch = los importes no cuadran: SubTotal { $subtotal } − Descuento { $discount } + impuestos trasladados { $transferred } − impuestos retenidos { $withheld } = { $expected }, pero el Total es { $total } (diferencia de { $off })
cfdi-sum-mismatch-local = los importes no cuadran: SubTotal { $subtotal } − Descuento { $discount } + impuestos trasladados { $transferred } − impuestos retenidos { $withheld } + impuestos locales { $local } − retenciones locales { $local_withheld } = { $expected }, pero el Total es { $total } (diferencia de { $off })
cfdi-payment-method = el MetodoPago «{ $value }» no está en el catálogo del SAT: debe ser { $hint }
cfdi-payment-form = la FormaPago «{ $value }» no está en el catálogo del SAT: debe ser { $hint }
summary-invoices = Facturas: { $ok }, { $review }, { $duplicate }, { $error }.
summary-ok = { $count ->
        [one] { $count } correcta
       *[other] { $count } correctas
    }
summary-review = { $count } para revisar
summary-duplicate = { $count ->
        [one] { $count } repetida
       *[other] { $count } repetidas
    }
summary-error = { $count } con error
summary-cost = Costo: { $tokens } tokens ≈ { $cost }
problem-item = • { $where }: { $outcome } — { $reason }
problem-item-plain = • { $where }: { $outcome }
problem-where-row = { $file }, fila { $row }
problem-more = … +{ $count }
outcome-review = para revisar
outcome-duplicate = repetida
outcome-error = con error
batch-report-head = { $batch } ({ $source }, { $state ->
        [open] abierto
        [closed] cerrado
        [done] terminado
       *[other] { $state }
    }): { $done } de { $total } hechos ({ $percent } %){ $pace }{ $eta }
batch-report-no-pace = , ningún archivo terminado aún
batch-report-pace = , { $rate }/min
batch-report-eta = , faltan unos { $left }
batch-report-files = archivos: { $completed } bien, { $review } para revisar, { $duplicate } repetidos, { $failed } fallidos, { $pending } pendientes
batch-report-invoices = facturas: { $ok } correctas, { $review } para revisar, { $duplicate } repetidas, { $error } con error
batch-report-cost = costo: { $input } tokens de entrada + { $output } de salida ≈ { $cost }
same-why-uuid = emisor { $rfc }, UUID { $uuid }
same-why-unstamped = sin timbrar: el mismo XML ({ $kind }) del emisor { $issuer }, emitido { $date }, total { $total }
file-failed = no se pudo tomar el archivo: { $detail }
batch-outcome-review = para revisar
batch-outcome-duplicate = repetida
batch-outcome-error = con error
csv-row-width = la fila tiene { $cells } columnas pero el encabezado tiene { $header }: revisa si hay un «{ $delimiter }» dentro de un valor sin comillas
csv-row-empty = la fila no tiene valor en ninguna columna asignada
cfdi-not-stamped = sin TimbreFiscalDigital: el documento no está timbrado, así que no tiene UUID.
cfdi-no-pagos = documento de tipo P sin complemento de Pagos.
cfdi-empty-rfc = { $field } está vacío; el RFC quedó en blanco.
cfdi-currency = Comprobante@Moneda «{ $value }» no es un código de moneda ISO; se registró tal cual.
check-no-extension = el archivo no tiene extensión
check-named = el archivo se llama .{ $ext }
check-empty = el archivo está vacío: envíalo de nuevo (quizá falló la subida)
check-too-big = el archivo pesa { $size }, más que { $limit } ({ $max }): envía un archivo más pequeño o sube { $limit }
check-not-invoice = { $named } pero sus bytes son { $detected }: no es una factura
check-unsupported = tipo no admitido { $what }: envía PDF, XML, CSV o una foto JPEG/PNG/WebP
check-rename = { $named } pero sus bytes son { $actual }: cámbiale el nombre a .{ $ext } o envía el archivo correcto
check-what-binary = datos binarios no reconocidos
check-what-text = texto
check-damaged = { $named } pero sus bytes son { $what }, no { $expected }: el archivo puede estar dañado; envíalo de nuevo
check-binary = { $named } pero sus bytes son datos binarios, no { $expected }: envía el archivo original
check-unsupported-binary = tipo no admitido: datos binarios no reconocidos: envía PDF, XML, CSV o una foto JPEG/PNG/WebP
check-blank = el archivo solo tiene espacios en blanco: envía la factura en sí
check-not-xml = { $named } pero no empieza con "<": no es un documento XML; envía el XML del CFDI tal como lo mandó el emisor
check-is-xml = { $named } pero su contenido es XML: cámbiale el nombre a .xml
check-not-csv = { $named } pero no se puede leer como CSV: { $problem }
check-unsupported-text = tipo no admitido: { $kind }: envía PDF, XML, CSV o una foto JPEG/PNG/WebP
check-plain-text = texto plano
check-ext-text = texto .{ $ext }
type-exe = un ejecutable de Windows (MZ)
type-elf = un ejecutable de Linux (ELF)
type-macho = un ejecutable de macOS (Mach-O)
type-zip = un archivo ZIP
type-rar = un archivo RAR
type-7z = un archivo 7-Zip
type-gz = un archivo gzip
type-gif = una imagen GIF (image/gif)
type-docx = un documento de Word
type-xlsx = un libro de Excel
type-pdf = un documento PDF
type-xml = un documento XML
type-jpg = una imagen JPEG
type-png = una imagen PNG
type-webp = una imagen WebP
type-word-pdf = un documento PDF
type-word-xml = un documento XML
type-word-jpeg = una imagen JPEG
type-word-png = una imagen PNG
type-word-webp = una imagen WebP
type-word-csv = texto CSV
post-unknown = ⚠️ <b>Publicación #{ $id } ({ $creator }): ¿se publicó?</b> La llamada a { $target } no tuvo respuesta segura ({ $error }). Revisa el canal y di qué pasó; no se envía de nuevo sin ti.
post-missed = ⏰ <b>La publicación #{ $id } ({ $creator }) se perdió</b>: tocaba a las { $planned } en { $target } y el servicio estuvo detenido más que content.missed_grace.
post-failed = 🔴 <b>La publicación #{ $id } ({ $creator }) no se pudo publicar</b> en { $target }: { $error }
post-button-published = Sí se publicó
post-button-again = Publicar de nuevo
post-button-now = Publicar ahora
post-button-plan = Planear de nuevo
post-answer-published = Publicación #{ $id } marcada como publicada.
post-answer-again = La publicación #{ $id } se publicará ahora.
post-answer-plan = Publicación #{ $id } planeada para { $at }.
post-answer-stale = La publicación #{ $id } está ahora { $state }: no se hizo nada.
webhook-failed = 🔴 <b>La publicación #{ $id } ({ $creator }) no llegó a { $url }</b>: { $error }. En Telegram sigue publicada; tras arreglar el receptor, reenvíala con <code>centinela jobs retry --queue content.webhook</code>.
post-receipt = 📅 Tu video (publicación #{ $id }) sale el { $when }.
post-receipt-approval = 📅 Tu video (publicación #{ $id }) está planeado para el { $when }, cuando un admin apruebe su texto.
admin-caption-budget = 💸 <b>Presupuesto de textos agotado por hoy</b> (content.gemini.daily_budget { $budget } USD): las nuevas publicaciones llevan la plantilla de su creador hasta la medianoche UTC.
cmd-queue = próximas publicaciones: /queue [creador]
cmd-postnow = publicar ahora: /postnow <publicación>
cmd-skip = cancelar una publicación: /skip <publicación>
cmd-reschedule = mover una publicación: /reschedule <publicación> <HH:MM | AAAA-MM-DD HH:MM> (zona del creador)
cmd-caption = cambiar el texto de una publicación: /caption <publicación> <texto>
post-cmd-usage = Uso: { $usage }
post-cmd-none = No hay publicación #{ $id }.
post-cmd-bad-time = «{ $when }» no es una hora: HH:MM o AAAA-MM-DD HH:MM, en la zona del creador.
post-cmd-planned = Publicación #{ $id } planeada para { $at }.
post-cmd-skipped = Publicación #{ $id } cancelada.
post-cmd-captioned = Texto de la publicación #{ $id } cambiado.
post-cmd-queue-empty = No hay publicaciones en espera.
post-approval = 📝 <b>La publicación #{ $id } ({ $creator }) espera tu aprobación</b>, planeada para el { $planned }. Su texto:

  { $caption }
post-approval-no-caption = (sin texto)
post-button-approve = Aprobar
post-button-edit = Editar
post-button-reject = Rechazar
post-approval-approved = Publicación #{ $id } aprobada: sale el { $at }.
post-approval-rejected = Publicación #{ $id } rechazada: no se publicará.
post-approval-outdated = El texto de la publicación #{ $id } cambió desde este mensaje: aprueba el nuevo (el último mensaje sobre ella).
post-approval-edit-prompt = Envía el nuevo texto de la publicación #{ $id } como tu próximo mensaje en este chat.
post-approval-edited = Texto de la publicación #{ $id } cambiado: espera aprobación de nuevo (un mensaje nuevo con botones).
post-approval-edit-stale = La publicación #{ $id } está ahora { $state }: tu texto no se usó.
post-approval-too-long = Ese texto tiene { $length } caracteres; Telegram acepta { $max } como mucho. Envía uno más corto para la publicación #{ $id }.
post-cmd-captioned-approval = Texto de la publicación #{ $id } cambiado: espera aprobación de nuevo (un mensaje nuevo con botones).
problem-video-refused = se apartó tras revisarlo; el mensaje de arriba dice por qué

# Sincronización con Google Drive (centinela sync, /sync, status)
drive-sync-summary = Sincronización de Drive ({ $mode }) en { $duration }: { $downloaded } archivos tomados: { $ok } bien, { $duplicate } duplicados, { $review } a revisión, { $error } con error, { $pending } aún en proceso; { $ignored } ignorados, { $failed } fallidos; { $calls } llamadas a Drive
drive-sync-dry = Prueba ({ $mode }), nada cambió: se tomarían { $count } archivos
drive-sync-critical = La sincronización de Drive falló: { $problem }
drive-sync-busy = Ya hay una sincronización de Drive en marcha: { $detail }
drive-sync-started = Sincronización de Drive iniciada; el resumen llega al terminar.
drive-sync-off = No hay carpetas de Drive configuradas (drive.folders).
status-drive = drive: última sincronización hace { $ago } ({ $mode }, { $duration }): { $taken } archivos tomados, { $ignored } ignorados, { $failed } fallidos
status-drive-failed = drive: la última sincronización, hace { $ago }, FALLÓ: { $problem }
cmd-sync = tomar ahora las facturas nuevas de Google Drive: /sync, o /sync dry para ver qué tomaría

# /web: the web page's sign-in link
cmd-web = un enlace para entrar en la página web
web-link =
    Abre este enlace para entrar en la página web (sirve una vez, durante 10 minutos):
    { $url }
