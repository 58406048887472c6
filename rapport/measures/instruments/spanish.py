"""Official Spanish wording of the PHQ-9 and GAD-7 (issue 11 item 10; measures.md §2.2, §2.3).

This is published text, reproduced as published, never a translation of our own:
the catalogue (rapport/locale) does not translate instrument wording, so no
translator can drift from the validated text. The engine renders these when the
reader's language is Spanish; scores, bands and safety triggers are the English
form's own (same item keys and values), and a response records the form it used
(``Instrument.form_version``: "1-es").

Licence: public domain. "All PHQ, GAD-7 screeners and translations … no permission
is required to reproduce, translate, display or distribute them" (measures.md §2.2).

LOINC: there is no separate Spanish panel or answer list. The panel and item codes
(44249-1, 69737-5 …) name the questions, whatever the language, and the answer list
LL358-3 (LA6568-5 … LA6571-9) and the difficulty answers LA6572-7 … LA6574-3 are
language-independent concepts, so each Spanish option below maps to the same LA code
as its English counterpart (by value). That mapping is the Spanish forms' own.

Sources:

* PHQ-9 — Pfizer's "Spanish for USA" PHQ-9 sheet ("CUESTIONARIO SOBRE LA SALUD DEL
  PACIENTE-9 (PHQ-9)"; "Elaborado por los doctores Robert L. Spitzer, Janet B.W.
  Williams, Kurt Kroenke y colegas, mediante una subvención educativa otorgada por
  Pfizer Inc."), as published at
  https://es.studenta.com/content/129686767/patient-health-questionnaire-9-spanish
  ("PatientHealthQuestionnaire9_Spanish"); the same wording appears in several
  independent public code bases (stem, items 1–9, answers, difficulty item).
* GAD-7 — the "Spanish for the USA" GAD-7 from phqscreeners.com, as reproduced
  verbatim in public code that cites it ("texto oficial en español (versión
  'Spanish for the USA' de phqscreeners.com …)"), matching two other independent
  public copies word for word (stem, items 1–7, answers). [VERIFY] The GAD-7's
  difficulty item was not found in a published Spanish copy: it uses the PHQ-9
  Spanish sheet's difficulty question and answers, and carries a visible note.
"""

from __future__ import annotations

from rapport.measures.instruments.base import Licence, Option, Wording

STEM = (
    "Durante las últimas 2 semanas, ¿qué tan seguido ha tenido molestias debido a los "
    "siguientes problemas?"
)
RECALL = "últimas 2 semanas"

# LL358-3, the same LA codes as common.FREQUENCY (value for value).
FREQUENCY_ES = (
    Option(0, "Ningún día", "LA6568-5"),
    Option(1, "Varios días", "LA6569-3"),
    Option(2, "Más de la mitad de los días", "LA6570-1"),
    Option(3, "Casi todos los días", "LA6571-9"),
)

# The difficulty answers, the same LA codes as common.DIFFICULTY (value for value).
DIFFICULTY_ES = (
    Option(0, "No ha sido difícil", "LA6572-7"),
    Option(1, "Un poco difícil", "LA6573-5"),
    Option(2, "Muy difícil", "LA6575-0"),
    Option(3, "Extremadamente difícil", "LA6574-3"),
)

DIFFICULTY_QUESTION = (
    "Si marcó cualquiera de los problemas, ¿qué tanta dificultad le han dado estos "
    "problemas para hacer su trabajo, encargarse de las tareas del hogar, o llevarse bien "
    "con otras personas?"
)

ATTRIBUTION = (
    "Elaborado por los doctores Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke y "
    "colegas, mediante una subvención educativa otorgada por Pfizer Inc. No se requiere "
    "permiso para reproducir, traducir, presentar o distribuir."
)

PHQ9_ITEMS = {
    "q1": "Poco interés o placer en hacer cosas",
    "q2": "Se ha sentido decaído(a), deprimido(a) o sin esperanzas",
    "q3": ("Ha tenido dificultad para quedarse o permanecer dormido(a), o ha dormido demasiado"),
    "q4": "Se ha sentido cansado(a) o con poca energía",
    "q5": "Sin apetito o ha comido en exceso",
    "q6": (
        "Se ha sentido mal con usted mismo(a) – o que es un fracaso o que ha quedado mal "
        "con usted mismo(a) o con su familia"
    ),
    "q7": (
        "Ha tenido dificultad para concentrarse en ciertas actividades, tales como leer el "
        "periódico o ver la televisión"
    ),
    "q8": (
        "¿Se ha movido o hablado tan lento que otras personas podrían haberlo notado? o lo "
        "contrario – muy inquieto(a) o agitado(a) que ha estado moviéndose mucho más de lo "
        "normal"
    ),
    "q9": "Pensamientos de que estaría mejor muerto(a) o de lastimarse de alguna manera",
    "difficulty": DIFFICULTY_QUESTION,
}

PHQ9_ES = Wording(
    language="es",
    source="Pfizer PHQ-9, Spanish for USA (phqscreeners.com); see this module's docstring.",
    title="Cuestionario sobre la salud del paciente-9 (PHQ-9)",
    short_title="PHQ-9",
    instructions=STEM,
    recall=RECALL,
    items=PHQ9_ITEMS,
    options=dict.fromkeys(PHQ9_ITEMS, FREQUENCY_ES) | {"difficulty": DIFFICULTY_ES},
    licence_note=ATTRIBUTION,
)

GAD7_ITEMS = {
    "q1": "Se ha sentido nervioso(a), ansioso(a) o con los nervios de punta",
    "q2": "No ha sido capaz de parar o controlar su preocupación",
    "q3": "Se ha preocupado demasiado por motivos diferentes",
    "q4": "Ha tenido dificultad para relajarse",
    "q5": "Se ha sentido tan inquieto(a) que no ha podido quedarse quieto(a)",
    "q6": "Se ha molestado o irritado fácilmente",
    "q7": "Ha tenido miedo de que algo terrible fuera a pasar",
    # [VERIFY] the PHQ-9 Spanish sheet's difficulty question (see the docstring).
    "difficulty": DIFFICULTY_QUESTION,
}

GAD7_ES = Wording(
    language="es",
    source="GAD-7, Spanish for the USA (phqscreeners.com); see this module's docstring.",
    # The title is Rapport's heading, not part of the published items.
    title="Escala del trastorno de ansiedad generalizada (GAD-7)",
    short_title="GAD-7",
    instructions=STEM,
    recall=RECALL,
    items=GAD7_ITEMS,
    options=dict.fromkeys(GAD7_ITEMS, FREQUENCY_ES) | {"difficulty": DIFFICULTY_ES},
    licence=Licence.VERIFY,
    licence_note=(
        "[VERIFICAR] Las preguntas 1 a 7 son las oficiales en español. La pregunta final, "
        "sobre la dificultad, usa la redacción oficial del PHQ-9 en español: confirme que "
        "coincide con la hoja del GAD-7 en español. " + ATTRIBUTION
    ),
)
