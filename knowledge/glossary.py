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
                out.append(words[i])
            i += 1
    return " ".join(out)
