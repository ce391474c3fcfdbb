"""The sources the rules cite, defined once so every rule spells them the same way.

``SEED_*`` are the three consumer-health articles the project grew from (kept in the
project's shared seed folder); legrules uses their facts for the benign causes, the red
flags a lay reader is told about and the self-care advice, in its own words.
"""

from __future__ import annotations

from legrules.engine.base import Citation

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
RIGHINI_2014 = Citation(
    "Righini M, Van Es J, Den Exter PL, et al. Age-adjusted D-dimer cutoff levels to rule out "
    "pulmonary embolism: the ADJUST-PE study. JAMA. 2014;311(11):1117-1124.",
    "https://doi.org/10.1001/jama.2014.2135",
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

CKS_COMPRESSION = Citation(
    "NICE Clinical Knowledge Summaries. Compression stockings: assessment before prescribing "
    "(ABPI below 0.8 or above 1.3: do not offer; refer for vascular assessment).",
    "https://cks.nice.org.uk/topics/compression-stockings/",
)
LURIE_2020 = Citation(
    "Lurie F, Passman M, Meisner M, et al. The 2020 update of the CEAP classification system "
    "and reporting standards. J Vasc Surg Venous Lymphat Disord. 2020;8(3):342-352.",
    "https://doi.org/10.1016/j.jvsv.2019.12.075",
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


# Sleep and cramps -------------------------------------------------------------------------
IRLSSG_2014 = Citation(
    "Allen RP, Picchietti DL, Garcia-Borreguero D, et al. Restless legs syndrome/Willis-Ekbom "
    "disease diagnostic criteria: updated International Restless Legs Syndrome Study Group "
    "(IRLSSG) consensus criteria. Sleep Med. 2014;15(8):860-873.",
    "https://doi.org/10.1016/j.sleep.2014.03.025",
)
IRLSSG_IRON_2018 = Citation(
    "Allen RP, Picchietti DL, Auerbach M, et al. Evidence-based and consensus clinical practice "
    "guidelines for the iron treatment of restless legs syndrome/Willis-Ekbom disease in adults "
    "and children: an IRLSSG task force report. Sleep Med. 2018;41:27-44.",
    "https://doi.org/10.1016/j.sleep.2017.11.1126",
)
ICSD_3 = Citation(
    "American Academy of Sleep Medicine. International Classification of Sleep Disorders, "
    "3rd edition (ICSD-3): sleep-related leg cramps. Darien, IL: AASM; 2014."
)
ALLEN_KIRBY_2012 = Citation(
    "Allen RE, Kirby KA. Nocturnal leg cramps. Am Fam Physician. 2012;86(4):350-355."
)
GARRISON_2012 = Citation(
    "Garrison SR, Dormuth CR, Morrow RL, Carney GA, Khan KM. Nocturnal leg cramps and "
    "prescription use that precedes them: a sequence symmetry analysis. Arch Intern Med. "
    "2012;172(2):120-126."
)

# Sports and overuse --------------------------------------------------------------------
CHEUNG_2003 = Citation(
    "Cheung K, Hume P, Maxwell L. Delayed onset muscle soreness: treatment strategies and "
    "performance factors. Sports Med. 2003;33(2):145-164.",
    "https://doi.org/10.2165/00007256-200333020-00005",
)
YATES_WHITE_2004 = Citation(
    "Yates B, White S. The incidence and risk factors in the development of medial tibial "
    "stress syndrome among naval recruits. Am J Sports Med. 2004;32(3):772-780.",
    "https://doi.org/10.1177/0095399703258776",
)
JOSPT_ACHILLES_2018 = Citation(
    "Martin RL, Chimenti R, Cuddeford T, et al. Achilles pain, stiffness, and muscle power "
    "deficits: midportion Achilles tendinopathy revision 2018. J Orthop Sports Phys Ther. "
    "2018;48(5):A1-A38.",
    "https://doi.org/10.2519/jospt.2018.0302",
)
CROSSLEY_2016 = Citation(
    "Crossley KM, Stefanik JJ, Selfe J, et al. 2016 Patellofemoral pain consensus statement "
    "from the 4th International Patellofemoral Pain Research Retreat, Manchester. Part 1. "
    "Br J Sports Med. 2016;50(14):839-843.",
    "https://doi.org/10.1136/bjsports-2016-096384",
)


# Rule set 2026.12 -----------------------------------------------------------------------
NICE_NG51 = Citation(
    "National Institute for Health and Care Excellence. Suspected sepsis: recognition, "
    "diagnosis and early management (NG51). 2016, updated 2024 (high-risk criteria).",
    "https://www.nice.org.uk/guidance/ng51",
)
IDSA_SSTI_2014 = Citation(
    "Stevens DL, Bisno AL, Chambers HF, et al. Practice guidelines for the diagnosis and "
    "management of skin and soft tissue infections: 2014 update by the Infectious Diseases "
    "Society of America. Clin Infect Dis. 2014;59(2):e10-e52.",
    "https://doi.org/10.1093/cid/ciu296",
)
BSR_BOA_2006 = Citation(
    "Coakley G, Mathews C, Field M, et al. BSR & BHPR, BOA, RCGP and BSAC guidelines for "
    "management of the hot swollen joint in adults. Rheumatology. 2006;45(8):1039-1041.",
    "https://doi.org/10.1093/rheumatology/kel163a",
)
CKS_SEPTIC_ARTHRITIS = Citation(
    "NICE Clinical Knowledge Summaries. Septic arthritis: assessment and referral.",
    "https://cks.nice.org.uk/topics/septic-arthritis/",
)
ERON_2003 = Citation(
    "Eron LJ, Lipsky BA, Low DE, et al. Managing skin and soft tissue infections: expert "
    "panel recommendations on key decision points. J Antimicrob Chemother. 2003;52 Suppl "
    "1:i3-i17 (classes I-IV of severity, as used by NICE NG141).",
    "https://doi.org/10.1093/jac/dkg466",
)
BOAST_2021 = Citation(
    "British Orthopaedic Association. BOAST: Diagnosis and Management of Compartment "
    "Syndrome of the Limbs. 2016, revised 2021."
)
ESVS_2020_ALI = Citation(
    "Bjorck M, Earnshaw JJ, Acosta S, et al. European Society for Vascular Surgery (ESVS) "
    "2020 Clinical Practice Guidelines on the Management of Acute Limb Ischaemia. Eur J "
    "Vasc Endovasc Surg. 2020;59(2):173-218.",
    "https://doi.org/10.1016/j.ejvs.2019.09.006",
)
GVG_2019_ESVS = Citation(
    "Conte MS, Bradbury AW, Kolh P, et al. Global vascular guidelines on the management of "
    "chronic limb-threatening ischaemia (joint ESVS, SVS and WFVS guideline). Eur J Vasc "
    "Endovasc Surg. 2019;58(1S):S1-S109.",
    "https://doi.org/10.1016/j.ejvs.2019.05.006",
)
ESC_2019_PE = Citation(
    "Konstantinides SV, Meyer G, Becattini C, et al. 2019 ESC Guidelines for the diagnosis "
    "and management of acute pulmonary embolism. Eur Heart J. 2020;41(4):543-603.",
    "https://doi.org/10.1093/eurheartj/ehz405",
)
GIRFT_CES_2023 = Citation(
    "Getting It Right First Time (NHS England). National suspected cauda equina syndrome "
    "pathway. 2023."
)
CKS_HYPOKALAEMIA = Citation(
    "NICE Clinical Knowledge Summaries. Hypokalaemia: severe hypokalaemia (below 2.5 "
    "mmol/L) needs same-day assessment.",
    "https://cks.nice.org.uk/topics/hypokalaemia/",
)
SFE_HYPOCALCAEMIA = Citation(
    "Turner J, Gittoes N, Selby P; Society for Endocrinology Clinical Committee. Society "
    "for Endocrinology Endocrine Emergency Guidance: emergency management of acute "
    "hypocalcaemia in adult patients. Endocr Connect. 2016;5(5):G7-G8.",
    "https://doi.org/10.1530/EC-16-0056",
)
NICE_NG12 = Citation(
    "National Institute for Health and Care Excellence. Suspected cancer: recognition and "
    "referral (NG12). 2015, updated.",
    "https://www.nice.org.uk/guidance/ng12",
)
NICE_NG226 = Citation(
    "National Institute for Health and Care Excellence. Osteoarthritis in over 16s: "
    "diagnosis and management (NG226). 2022.",
    "https://www.nice.org.uk/guidance/ng226",
)
CKS_VITAMIN_D = Citation(
    "NICE Clinical Knowledge Summaries. Vitamin D deficiency in adults.",
    "https://cks.nice.org.uk/topics/vitamin-d-deficiency-in-adults/",
)
SACN_2016 = Citation(
    "Scientific Advisory Committee on Nutrition. Vitamin D and Health. London: Public "
    "Health England; 2016.",
    "https://www.gov.uk/government/publications/sacn-vitamin-d-and-health-report",
)
ACR_FIBROMYALGIA_2016 = Citation(
    "Wolfe F, Clauw DJ, Fitzcharles MA, et al. 2016 Revisions to the 2010/2011 fibromyalgia "
    "diagnostic criteria. Semin Arthritis Rheum. 2016;46(3):319-329.",
    "https://doi.org/10.1016/j.semarthrit.2016.08.012",
)
AASM_2024 = Citation(
    "Winkelman JW, Berkowski JA, DelRosso LM, et al. Treatment of restless legs syndrome and "
    "periodic limb movement disorder: an American Academy of Sleep Medicine clinical "
    "practice guideline. J Clin Sleep Med. 2025;21(1):137-152 (AASM 2024 guideline).",
    "https://doi.org/10.5664/jcsm.11390",
)
