"""Vendors' pitches through the inquiry form are told from leads' inquiries (``agent/replies/pitch.py``).

The genuine inquiries come from six kinds of business, including leads of a web agency who ask for the
very services vendors sell: only a sale offered *to* the business is a pitch.
"""

from __future__ import annotations

import pytest

from agent.replies.pitch import pitch_evidence

PITCHES = [
    "Get 5000 high quality backlinks for your website today! Boost your google ranking fast. Visit our "
    "site for 50% off SEO packages.",
    "Hello, I noticed your website is not on the first page of Google. We offer affordable SEO services, "
    "reply YES for a free audit.",
    "Dear Sir/Madam, we are a digital marketing agency and can double your leads in 30 days.",
    "Hi team! I'd love to contribute a guest post to your blog. We pay $50 per dofollow link.",
    "Your business is pre-approved for funding up to $250,000. No credit check, call today.",
    "We provide virtual assistants for $6/hour, fully trained, ready to start this week.",
    "Estimado dueño, ofrecemos posicionamiento web para que su negocio salga en la primera página de Google.",
    "Hola, somos una agencia de marketing digital y podemos aumentar sus ventas con redes sociales.",
    "We checked your site and found 37 errors hurting your rankings. Our team of experts can fix them.",
]

GENUINE = [
    "hi!! my fiance and I are looking at dates in october 2027 for our wedding, around 150 guests. do you "
    "have saturdays open and whats the price range with catering? also can we bring our own DJ?",
    "We need SEO for our bakery's website, we're not showing up for 'bakery near me'. What do you charge?",
    "I'm looking for a web design quote for my company, about 10 pages with a booking form. Do you offer "
    "hosting too?",
    "Your website says the ballroom holds 300 people. We're a digital marketing firm planning our annual "
    "party for 120, is a Thursday in March open?",
    "Hola, quiero cotizar los XV años de mi hija para junio, como 200 personas. ¿Cuánto cuesta el salón?",
    "We provide home health care and need our two offices cleaned three nights a week. Can you quote that?",
    "Our accountant retired and we need someone for payroll and quarterly taxes, 14 employees.",
    "My dog Maple is limping after a hike, can you see her this week? She's 6.",
    "Do you offer a discount for nonprofits? We are a food bank with 40% volunteers.",
    "Can you help us grow our online presence? We have a small bakery and no website yet.",
]


@pytest.mark.parametrize("message", PITCHES)
def test_a_sale_offered_to_the_business_is_a_pitch(message: str) -> None:
    evidence = pitch_evidence(message)

    assert evidence is not None
    assert all(part.strip() in message for part in evidence.split("…"))


@pytest.mark.parametrize("message", GENUINE)
def test_a_lead_asking_for_what_vendors_sell_is_not_a_pitch(message: str) -> None:
    assert pitch_evidence(message) is None
