"""The sources the rules cite, defined once so every rule spells them the same way.

``SEED_*`` are the three consumer-health articles the project grew from (kept in the
project's shared seed folder); legrules uses their facts for the benign causes, the red
flags a lay reader is told about and the self-care advice, in its own words.
"""

from __future__ import annotations

from legrules.rules.base import Citation

# Seed articles -------------------------------------------------------------------------
SEED_STRESS = Citation(
    "Seed article 000: 'Can stress cause leg pain' (consumer health article)",
    seed="000_e75663267d84f083",
)
SEED_NIGHT = Citation(
    "Seed article 001: nighttime leg pain and cramps (consumer health article)",
    seed="001_1f666cbd85b765c3",
)
SEED_SORENESS = Citation(
    "Seed article 002: how to alleviate general leg soreness (consumer health article)",
    seed="002_9464512ede85b7d0",
)

# Venous thromboembolism ------------------------------------------------------------------
NICE_NG158 = Citation(
    "National Institute for Health and Care Excellence. Venous thromboembolic diseases: "
    "diagnosis, management and thrombophilia testing (NG158). 2020, updated 2023.",
    "https://www.nice.org.uk/guidance/ng158",
)
WELLS_2003 = Citation(
    "Wells PS, Anderson DR, Rodger M, et al. Evaluation of D-dimer in the diagnosis of "
    "suspected deep-vein thrombosis. N Engl J Med. 2003;349(13):1227-1235.",
    "https://doi.org/10.1056/NEJMoa023153",
)
WELLS_1997 = Citation(
    "Wells PS, Anderson DR, Bormanis J, et al. Value of assessment of pretest probability of "
    "deep-vein thrombosis in clinical management. Lancet. 1997;350(9094):1795-1798."
)
LE_GAL_2026 = Citation(
    "Le Gal G, et al. Age-adjusted D-dimer cut-off in suspected deep vein thrombosis. JAMA. 2026."
)

# Arterial ------------------------------------------------------------------------------
ACC_AHA_2024 = Citation(
    "Gornik HL, Aronow HD, Goodney PP, et al. 2024 ACC/AHA/AACVPR/APMA/ABC/SCAI/SVM/SVN/SVS/"
    "SIR/VESS Guideline for the Management of Lower Extremity Peripheral Artery Disease. "
    "Circulation. 2024;149(24):e1313-e1410.",
    "https://doi.org/10.1161/CIR.0000000000001251",
)
ACC_AHA_2016 = Citation(
    "Gerhard-Herman MD, Gornik HL, Barrett C, et al. 2016 AHA/ACC Guideline on the "
    "Management of Patients With Lower Extremity Peripheral Artery Disease. Circulation. "
    "2017;135(12):e726-e779.",
    "https://doi.org/10.1161/CIR.0000000000000471",
)
GVG_2019 = Citation(
    "Conte MS, Bradbury AW, Kolh P, et al. Global vascular guidelines on the management of "
    "chronic limb-threatening ischemia. J Vasc Surg. 2019;69(6S):3S-125S.",
    "https://doi.org/10.1016/j.jvs.2019.02.016",
)
LENG_FOWKES_1992 = Citation(
    "Leng GC, Fowkes FG. The Edinburgh Claudication Questionnaire: an improved version of the "
    "WHO/Rose Questionnaire for use in epidemiological surveys. J Clin Epidemiol. "
    "1992;45(10):1101-1109."
)

# Spine, injury, infection ------------------------------------------------------------------
NICE_NG59 = Citation(
    "National Institute for Health and Care Excellence. Low back pain and sciatica in over "
    "16s: assessment and management (NG59). 2016, updated 2020.",
    "https://www.nice.org.uk/guidance/ng59",
)
CKS_SCIATICA = Citation(
    "NICE Clinical Knowledge Summaries. Sciatica (lumbar radiculopathy): red flags for "
    "cauda equina syndrome.",
    "https://cks.nice.org.uk/topics/sciatica-lumbar-radiculopathy/",
)
BOAST_2016 = Citation(
    "British Orthopaedic Association. BOAST: Diagnosis and Management of Compartment "
    "Syndrome of the Limbs. 2016."
)
SEPSIS_3 = Citation(
    "Singer M, Deutschman CS, Seymour CW, et al. The Third International Consensus "
    "Definitions for Sepsis and Septic Shock (Sepsis-3). JAMA. 2016;315(8):801-810.",
    "https://doi.org/10.1001/jama.2016.0287",
)
NICE_NG141 = Citation(
    "National Institute for Health and Care Excellence. Cellulitis and erysipelas: "
    "antimicrobial prescribing (NG141). 2019.",
    "https://www.nice.org.uk/guidance/ng141",
)
STIELL_1993 = Citation(
    "Stiell IG, Greenberg GH, McKnight RD, et al. Decision rules for the use of radiography "
    "in acute ankle injuries. JAMA. 1993;269(9):1127-1132."
)
STIELL_1996 = Citation(
    "Stiell IG, Greenberg GH, Wells GA, et al. Prospective validation of a decision rule for "
    "the use of radiography in acute knee injuries. JAMA. 1996;275(8):611-615."
)
