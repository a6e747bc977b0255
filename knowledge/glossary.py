"""Spanish words as English ones, so that a Spanish question can meet the English sentence answering it.

The shipped embedding model (all-MiniLM-L6-v2) was trained on English: "¿Cuánto cuesta?" and "It costs
$29 a month." are strangers to it, and most knowledge bases answer a Spanish-speaking lead's questions
in English documents as often as in Spanish ones. So a Spanish question is also read word by word in
English ("¿Cuánto cuesta para 3 personas?" -> "how much cost for 3 people") and matched both ways.

The glossary holds the everyday words leads ask with, whatever the business: question words, asking
verbs, people, money, time and the calendar, languages and contact, places, and the common nouns of a
service (appointment, warranty, permit, insurance...). It is not a translation of any one knowledge
base: a company's own terms (product names, "Medicare", "HIPAA") are the same in both languages and
pass through unchanged. Pure: the standard library only.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

# spanish = english; a phrase is read before its words ("cuánto tiempo" is "how long", not "how much time").
_GLOSSARY_TEXT: Final = """
    # phrases first (longest match wins)
    cuánto tiempo = how long
    cuanto tiempo = how long
    cuántos días = how many days
    cuantos dias = how many days
    a qué hora = what time
    a que hora = what time
    cada cuánto = how often
    cada cuanto = how often
    por qué = why
    fin de semana = weekend
    fines de semana = weekends
    en línea = online
    en linea = online
    sin intereses = interest free
    sin seguro = without insurance
    de su bolsillo = out of pocket
    tarjeta de crédito = credit card
    cómo funciona = how does it work
    como funciona = how does it work
    qué tengo que = what do I have to
    qué debo = what should I
    # question words
    qué = what
    que = what
    cuánto = how much
    cuanto = how much
    cuánta = how much
    cuántos = how many
    cuantos = how many
    cuántas = how many
    cuantas = how many
    cuándo = when
    cuando = when
    dónde = where
    donde = where
    cómo = how
    como = how
    cuál = which
    cual = which
    cuáles = which
    quién = who
    quien = who
    # everyday verbs of asking
    tienen = do you have
    tiene = has
    hay = is there
    pueden = can you
    puede = can
    puedo = can I
    podemos = can we
    necesito = do I need
    necesita = need
    necesitan = need
    se necesita = is needed
    se necesitan = are needed
    hacen = do you do
    hace = does
    dan = give
    ofrecen = offer
    aceptan = accept
    acepta = accept
    trabajan = work
    trabaja = works
    atienden = open serve
    hablan = speak
    habla = speaks
    incluye = includes
    incluido = included
    incluida = included
    incluyen = include
    cubre = covers
    cubren = cover
    cuesta = cost
    cuestan = cost
    costaría = would cost
    saldría = would cost
    cobran = charge
    cobra = charges
    pagar = pay
    pagando = paying
    tarda = take
    tardan = take
    tardaría = would take
    tardarían = would take
    dura = lasts
    duran = last
    empezar = start
    empiezan = start
    comenzar = start
    terminar = finish
    llevar = bring
    traer = bring
    mandar = send
    mandan = send
    enviar = send
    envían = send
    recibe = get receive
    recibo = get receive
    recibir = receive
    combinar = combine
    cancelar = cancel
    cambiar = change
    reprogramar = reschedule
    agendar = book
    reservar = book
    programar = schedule
    llamar = call
    usar = use
    funciona = work
    sirve = works
    # people and pronouns
    ustedes = you
    usted = you
    yo = I
    nosotros = we
    ella = she
    mi = my
    mis = my
    su = your
    sus = your
    nuestro = our
    nuestra = our
    personas = people
    persona = person
    personal = staff
    empleados = employees
    trabajadores = workers
    equipo = team
    gerente = manager
    dueño = owner
    cliente = client
    clientes = clients
    paciente = patient
    pacientes = patients
    niños = children
    hijo = son
    hija = daughter
    familia = family
    médico = doctor
    medico = doctor
    doctor = doctor
    terapeuta = therapist
    terapeutas = therapists
    # money
    precio = price
    precios = prices
    costo = cost
    costos = costs
    pago = payment
    pagos = payments
    descuento = discount
    descuentos = discounts
    gratis = free
    gratuito = free
    gratuita = free
    tarjeta = card
    crédito = credit
    credito = credit
    efectivo = cash
    cheque = check
    cuota = fee
    cuotas = fees
    tarifa = rate
    factura = invoice
    reembolso = refund
    depósito = deposit
    anticipo = deposit
    financiamiento = financing
    interés = interest
    intereses = interest
    mensual = monthly
    anual = annual
    oferta = offer
    ofertas = offers
    promoción = promotion
    barato = cheap
    caro = expensive
    presupuesto = budget
    cotización = quote
    seguro = insurance
    aseguranza = insurance
    cobertura = coverage
    copago = copay
    deducible = deductible
    # time
    tiempo = time
    día = day
    dia = day
    días = days
    dias = days
    semana = week
    semanas = weeks
    mes = month
    meses = months
    año = year
    años = years
    hora = hour
    horas = hours
    horario = hours
    horarios = hours
    minutos = minutes
    hoy = today
    mañana = morning tomorrow
    tarde = afternoon
    noche = night
    lunes = monday
    martes = tuesday
    miércoles = wednesday
    jueves = thursday
    viernes = friday
    sábado = saturday
    sábados = saturdays
    sabado = saturday
    sabados = saturdays
    domingo = sunday
    domingos = sundays
    pronto = soon
    rápido = quickly
    antes = before
    después = after
    despues = after
    mientras = while
    fecha = date
    plazo = timeline
    plazos = timelines
    cita = appointment
    citas = appointments
    visita = visit
    visitas = visits
    sesión = session
    sesiones = sessions
    consulta = consultation
    cancelación = cancellation
    recordatorio = reminder
    recordatorios = reminders
    primera = first
    primer = first
    # language and contact
    español = spanish
    espanol = spanish
    inglés = english
    ingles = english
    idioma = language
    idiomas = languages
    teléfono = phone
    telefono = phone
    número = number
    numero = number
    correo = email
    mensaje = message
    mensajes = messages
    texto = text
    soporte = support
    ayuda = help
    contacto = contact
    videollamada = video call
    video = video
    videos = videos
    # place
    aquí = here
    aqui = here
    acá = here
    aca = here
    ahí = there
    ahi = there
    lejos = far
    cerca = near
    zona = area
    área = area
    ciudad = city
    oficina = office
    clínica = clinic
    clinica = clinic
    clínicas = clinics
    local = location
    sucursal = location
    estacionamiento = parking
    dirección = address
    casa = home
    # business
    servicio = service
    servicios = services
    trabajo = work
    proyecto = project
    contrato = contract
    contratos = contracts
    garantía = warranty
    garantia = warranty
    permiso = permit
    permisos = permits
    licencia = license
    materiales = materials
    datos = data
    seguridad = security
    cifrados = encrypted
    privacidad = privacy
    prueba = trial
    cuenta = account
    programa = program
    plan = plan
    planes = plans
    sistema = system
    aplicación = app
    documentos = documents
    formulario = form
    formularios = forms
    ejercicios = exercises
    terapia = therapy
    tratamiento = treatment
    receta = prescription
    referido = referral
    dolor = pain
    cocina = kitchen
    baño = bathroom
    bano = bathroom
    limpieza = cleanup
    incluso = even
    también = also
    tambien = also
    sin = without
    con = with
    para = for
    por = by
    solo = only
    todo = all
    toda = all
    otro = other
    otra = another
    nuevo = new
    # more verbs leads ask with (infinitive and the usted/ustedes forms)
    cuánto sale = how much does it cost
    cuanto sale = how much does it cost
    poner = install put
    ponen = install
    pone = installs
    instalar = install
    instalan = install
    instala = installs
    instalación = installation
    arreglar = fix repair
    arreglan = fix repair
    reparar = repair
    reparan = repair
    reparación = repair
    revisar = check inspect
    revisan = check inspect
    venir = come
    vienen = come
    viene = comes
    ver = see
    ir = go
    van = go
    va = goes
    hacer = do make
    dar = give
    da = gives
    ofrecer = offer
    ofrece = offers
    aceptar = accept
    necesitar = need
    quedar = stay
    quedan = stay
    quedaría = would stay
    quedaríamos = would stay
    subir = go up increase
    sube = goes up increases
    bajar = lower reduce
    ahorrar = save
    ahorro = savings
    ahorros = savings
    financiar = finance
    prestar = lend
    devolver = refund return
    devuelven = refund return
    regresar = return
    esperar = wait
    escribir = write
    contestar = answer
    responder = answer
    ayudar = help
    ayudan = help
    recomendar = recommend
    recomiendan = recommend
    recomendarnos = recommend us
    hablar = speak
    entender = understand
    saber = know
    conocer = know
    elegir = choose
    escoger = choose
    comprar = buy
    vender = sell
    venden = sell
    rentar = rent
    alquilar = rent
    firmar = sign
    firma = signature
    trabajar = work
    limpiar = clean
    limpian = clean
    sacar = remove take out
    quitar = remove
    quitan = remove
    tirar = throw away
    mover = move
    mueven = move
    cubrir = cover
    incluir = include
    atender = serve
    abrir = open
    abren = open
    abierto = open
    cerrar = close
    cierran = close
    cerrado = closed
    durar = last
    tardar = take
    demorar = take
    demoran = take
    vale = is worth costs
    valen = cost
    conviene = is best
    sirven = work
    funcionan = work
    pasa = happens
    pasar = happen
    sucede = happens
    # a home and its work
    recámara = bedroom
    recámaras = bedrooms
    habitación = room
    habitaciones = rooms
    cuarto = room
    cuartos = rooms
    sala = living room
    techo = roof ceiling
    techos = roofs
    tejado = roof
    pared = wall
    paredes = walls
    piso = floor
    pisos = floors
    ventana = window
    ventanas = windows
    puerta = door
    puertas = doors
    escalera = stairs
    escaleras = stairs
    garaje = garage
    cochera = garage
    patio = yard patio
    jardín = garden
    tina = tub
    bañera = tub
    regadera = shower
    ducha = shower
    lavabo = sink
    fregadero = sink
    inodoro = toilet
    excusado = toilet
    azulejo = tile
    azulejos = tiles
    gabinetes = cabinets
    gabinete = cabinet
    mueble = furniture cabinet
    muebles = furniture
    encimera = countertop
    barras = bars
    agarraderas = grab bars
    fuga = leak
    fugas = leaks
    gotera = leak
    humedad = damp moisture
    polvo = dust
    ruido = noise
    escombro = debris
    escombros = debris
    basura = trash
    luz = electricity power
    electricidad = electricity
    eléctrico = electric
    eléctrica = electrical
    apagón = power outage
    apagones = power outages
    corriente = power
    agua = water
    aire = air
    aire acondicionado = air conditioning
    clima = air conditioning weather
    calor = heat
    verano = summer
    invierno = winter
    sol = sun
    paneles = panels
    panel = panel
    placas = panels
    batería = battery
    baterías = batteries
    medidor = meter
    recibo de luz = electric bill
    cuenta de luz = electric bill
    vecino = neighbor
    vecina = neighbor
    vecinos = neighbors
    vecindario = neighborhood
    colonia = neighborhood
    asociación = association hoa
    diseño = design
    diseñador = designer
    cuadrilla = crew
    cuadrillas = crews
    obra = work job
    remodelación = remodel
    remodelar = remodel
    remodelamos = remodel
    renovar = renovate
    # money and buying
    enganche = down payment
    adelanto = deposit
    mensualidad = monthly payment
    mensualidades = monthly payments
    al mes = a month
    por mes = per month
    préstamo = loan
    préstamos = loans
    tasa = rate
    penalidad = penalty
    multa = penalty fee
    contado = cash in full
    de contado = paying in full
    impuestos = taxes
    impuesto = tax
    crédito fiscal = tax credit
    cargo = charge fee
    cargos = charges fees
    aparte = extra separate
    adicional = additional
    fijo = fixed
    fija = fixed
    ganga = deal
    rebaja = discount
    rebajas = discounts
    promociones = promotions
    recompensa = reward
    comisión = commission
    propuesta = proposal
    propuestas = proposals
    estimado = estimate
    cotizaciones = quotes
    compromiso = obligation
    reembolsan = refund
    devolución = refund
    # business and people
    negocio = business
    negocios = businesses
    empresa = company
    empresas = companies
    compañía = company
    compañías = companies
    tienda = store shop
    restaurante = restaurant
    dueña = owner
    jefe = boss
    socio = partner
    esposo = husband
    esposa = wife
    mamá = mom mother
    papá = dad father
    madre = mother
    padre = father
    abuela = grandmother
    abuelo = grandfather
    bebé = baby
    mascota = pet
    mascotas = pets
    perro = dog
    gato = cat
    experiencia = experience
    experto = expert
    certificado = certified
    asegurados = insured
    licenciados = licensed
    reseñas = reviews
    referencias = references
    # the body and care
    espalda = back
    cuello = neck
    hombro = shoulder
    hombros = shoulders
    rodilla = knee
    rodillas = knees
    tobillo = ankle
    cadera = hip
    pie = foot
    pies = feet
    mano = hand
    muñeca = wrist
    codo = elbow
    mareo = dizziness
    mareos = dizziness
    equilibrio = balance
    lesión = injury
    lesiones = injuries
    cirugía = surgery
    operación = surgery
    resonancia = mri
    radiografía = x-ray
    reporte = report
    reportes = reports
    informe = report
    informes = reports
    ejercicio = exercise
    entrenar = train
    entrenando = training
    correr = run
    caminar = walk
    enfermedad = illness
    salud = health
    embarazada = pregnant
    # everyday words
    más = more
    menos = less
    mucho = a lot
    poco = little
    bien = well
    mal = bad
    mejor = better best
    peor = worse
    grande = large
    pequeño = small
    pequeña = small
    chico = small
    normal = normal typical
    típico = typical
    igual = same
    mismo = same
    mismos = same
    distinto = different
    diferente = different
    cada = each every
    cuál es = what is
    alguien = someone
    algo = something
    alguno = any
    alguna = any
    algún = any
    nada = nothing
    ningún = no
    nunca = never
    siempre = always
    ya = already
    todavía = still
    aún = still
    ahora = now
    ahorita = right now
    luego = later
    pregunta = question
    preguntas = questions
    duda = question
    dudas = questions
    problema = problem
    problemas = problems
    opción = option
    opciones = options
    información = information
    foto = photo
    fotos = photos
    lugar = place
    cerquita = nearby
    lejos de = far from
    afuera = outside
    adentro = inside
    verdad = true
    cierto = true
    seguro que = sure
    posible = possible
    necesario = necessary
    obligatorio = required
    requisito = requirement
    requisitos = requirements
"""
# Articles and particles that English does without: dropped, not glossed.
_DROPPED: Final = frozenset(
    "el la los las lo le les un una unos unas de del al en y o se me nos es son a si".split()  # noqa: SIM905
)


def fold(text: str) -> str:
    """Lower case without accents: leads type "cuanto" for "cuánto"."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in plain if not unicodedata.combining(ch))


def _glossary(text: str) -> dict[tuple[str, ...], str]:
    entries: dict[tuple[str, ...], str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        spanish, english = (part.strip() for part in line.split("=", 1))
        entries[tuple(fold(spanish).split())] = english
    return entries


GLOSSARY: Final = _glossary(_GLOSSARY_TEXT)
_LONGEST: Final = max(len(key) for key in GLOSSARY)


def to_english(text: str) -> str:
    """``text`` read word by word in English: glossary words translated, phrases first, articles dropped,
    every other word (a name, a number, a brand) kept as it is."""
    words = re.findall(r"[\w$%']+", fold(text))
    out: list[str] = []
    i = 0
    while i < len(words):
        for size in range(min(_LONGEST, len(words) - i), 0, -1):
            english = GLOSSARY.get(tuple(words[i : i + size]))
            if english is not None:
                out.append(english)
                i += size
                break
        else:
            if words[i] not in _DROPPED:
                out.append(_unlisted(words[i]))
            i += 1
    return " ".join(out)


# Spanish endings that English shares in another spelling: "instalación" and "installation" are
# strangers to the model, "instalation" and "installation" are not; "garantías" is "garantía" twice.
_COGNATE_ENDINGS: Final = (
    ("ciones", "tions"),
    ("cion", "tion"),
    ("siones", "sions"),
    ("sion", "sion"),
    ("idades", "ities"),
    ("idad", "ity"),
    ("mente", "ly"),
    ("ismo", "ism"),
    ("ista", "ist"),
    ("icos", "ics"),
    ("ico", "ic"),
    ("ica", "ic"),
    ("osos", "ous"),
    ("oso", "ous"),
    ("osa", "ous"),
)


def _unlisted(word: str) -> str:
    """A word the glossary lacks: its singular's gloss when it has one ("paneles" -> "panel"),
    else an English spelling of a shared ending ("financiación" -> "financiation"), else itself (a
    name, a number, a brand)."""
    for plural in ("es", "s"):
        if word.endswith(plural) and (singular := GLOSSARY.get((word[: -len(plural)],))) is not None:
            return singular
    for spanish, english in _COGNATE_ENDINGS:
        if word.endswith(spanish) and len(word) > len(spanish) + 2:
            return word[: -len(spanish)] + english
    return word
