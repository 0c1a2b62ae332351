### Haven — libellés des données de référence, en français.
### Mêmes clés que reference.en.ftl (un test le vérifie). Les secteurs d'activité suivent la CITI
### rév. 4 et les niveaux d'études la CITE 2011.

## Codes des listes de choix

# org_Type
code-org_Type-NGO = ONG
code-org_Type-LawEnforcement = Forces de l'ordre
code-org_Type-HealthServiceOrganisation = Organisme de santé
code-org_Type-CentralGovernmentOrganisation = Administration centrale
code-org_Type-LocalGovernmentOrganisation = Collectivité locale
code-org_Type-ImmigrationService = Service de l'immigration
code-org_Type-LegalService = Service juridique
code-org_Type-CorporateBusiness = Entreprise
code-org_Type-SchoolOrCollege = Établissement scolaire ou universitaire

# prs_Gender
code-prs_Gender-Feminine = Féminin
code-prs_Gender-Masculine = Masculin
code-prs_Gender-TransgenderFeminine = Transgenre féminin
code-prs_Gender-TransgenderMasculine = Transgenre masculin
code-prs_Gender-NonConforming = De genre non conforme
code-prs_Gender-NonSpecifiedUnknown = Non précisé ou inconnu

# prs_MaritalStatus
code-prs_MaritalStatus-Single = Célibataire
code-prs_MaritalStatus-Married = Marié(e)
code-prs_MaritalStatus-Widowed = Veuf ou veuve
code-prs_MaritalStatus-Divorced = Divorcé(e)
code-prs_MaritalStatus-Separated = Séparé(e)
code-prs_MaritalStatus-RegisteredPartnership = Partenariat enregistré

# prs_HighestLevelOfEducation
code-prs_HighestLevelOfEducation-EarlyChildhoodEducation = Éducation de la petite enfance
code-prs_HighestLevelOfEducation-PrimaryEducation = Enseignement primaire
code-prs_HighestLevelOfEducation-LowerSecondaryEducation = Premier cycle de l'enseignement secondaire
code-prs_HighestLevelOfEducation-UpperSecondaryEducation = Deuxième cycle de l'enseignement secondaire
code-prs_HighestLevelOfEducation-PostSecondaryNonTertiaryEducation = Enseignement post-secondaire non supérieur
code-prs_HighestLevelOfEducation-ShortCycleTertiaryEducation = Enseignement supérieur de cycle court
code-prs_HighestLevelOfEducation-BachelorsOrEquivalentLevel = Niveau licence ou équivalent
code-prs_HighestLevelOfEducation-MastersOrEquivalentLevel = Niveau master ou équivalent
code-prs_HighestLevelOfEducation-DoctoralOrEquivalentLevel = Niveau doctorat ou équivalent

# vic_TraffickingStatus
code-vic_TraffickingStatus-PossibleVictimOfTrafficking = Victime potentielle de la traite
code-vic_TraffickingStatus-ActualVictimOfTrafficking = Victime avérée de la traite
code-vic_TraffickingStatus-NotAVictimOfTrafficking = Pas victime de la traite

# vic_TraffickingStatusDecisionMakingOrg
code-vic_TraffickingStatusDecisionMakingOrg-Police = Police
code-vic_TraffickingStatusDecisionMakingOrg-NGO = ONG
code-vic_TraffickingStatusDecisionMakingOrg-CourtOrProsecution = Tribunal ou ministère public
code-vic_TraffickingStatusDecisionMakingOrg-NonPoliceGovernmentalOrganization = Organisme public autre que la police
code-vic_TraffickingStatusDecisionMakingOrg-Other = Autre

# vic_RelationshipToTrafficker
code-vic_RelationshipToTrafficker-Familial = Lien familial
code-vic_RelationshipToTrafficker-Acquainted = Connaissance
code-vic_RelationshipToTrafficker-Unaquainted = Inconnu de la victime

# vic_RecruitmentWebsitesAndApps
code-vic_RecruitmentWebsitesAndApps-Facebook = Facebook
code-vic_RecruitmentWebsitesAndApps-Instagram = Instagram
code-vic_RecruitmentWebsitesAndApps-WhatsApp = WhatsApp
code-vic_RecruitmentWebsitesAndApps-Telegram = Telegram
code-vic_RecruitmentWebsitesAndApps-FacebookMessenger = Facebook Messenger
code-vic_RecruitmentWebsitesAndApps-Viber = Viber
code-vic_RecruitmentWebsitesAndApps-SnapChat = SnapChat
code-vic_RecruitmentWebsitesAndApps-Line = Line
code-vic_RecruitmentWebsitesAndApps-4Sale = 4Sale
code-vic_RecruitmentWebsitesAndApps-WeChat = WeChat
code-vic_RecruitmentWebsitesAndApps-QQ = QQ
code-vic_RecruitmentWebsitesAndApps-QZone = QZone
code-vic_RecruitmentWebsitesAndApps-TikTok = TikTok
code-vic_RecruitmentWebsitesAndApps-Twitter = Twitter
code-vic_RecruitmentWebsitesAndApps-Other = Autre

# vic_MethodOfRecruitment
code-vic_MethodOfRecruitment-AtAPlaceOfBusiness = Dans un commerce ou une entreprise
code-vic_MethodOfRecruitment-AtAnEducationalInstitution = Dans un établissement d'enseignement
code-vic_MethodOfRecruitment-AtWork = Sur le lieu de travail
code-vic_MethodOfRecruitment-ThroughOnlineSocialNetworks = Par les réseaux sociaux en ligne
code-vic_MethodOfRecruitment-ThroughAnOnlineAdvertisement = Par une annonce en ligne
code-vic_MethodOfRecruitment-ThroughATelevisionAdvert = Par une publicité télévisée
code-vic_MethodOfRecruitment-ThroughANewspaperAdvert = Par une annonce dans un journal
code-vic_MethodOfRecruitment-ThroughFamilyOrFamilyEvents = Par la famille ou lors d'événements familiaux
code-vic_MethodOfRecruitment-ThroughFriendsOrSocialEvents = Par des amis ou lors d'événements sociaux
code-vic_MethodOfRecruitment-Other = Autre

# vic_MethodsOfControl
code-vic_MethodsOfControl-PhysicalThreats = Menaces physiques
code-vic_MethodsOfControl-ThreatsLawEnforcement = Menaces de dénonciation aux autorités
code-vic_MethodsOfControl-ThreatensChildrenFamily = Menaces envers les enfants ou la famille
code-vic_MethodsOfControl-DebtBondage = Servitude pour dettes
code-vic_MethodsOfControl-FalsePromises = Fausses promesses
code-vic_MethodsOfControl-PhysicalAbuse = Violences physiques
code-vic_MethodsOfControl-SexualAbuse = Violences sexuelles
code-vic_MethodsOfControl-TakesEarnings = Confiscation des revenus
code-vic_MethodsOfControl-RestrictsFinancialAccess = Restriction de l'accès à l'argent
code-vic_MethodsOfControl-RestrictsMedicalCare = Restriction de l'accès aux soins médicaux
code-vic_MethodsOfControl-WithholdsNecessities = Privation de biens de première nécessité
code-vic_MethodsOfControl-PsychologicalAbuse = Violences psychologiques
code-vic_MethodsOfControl-PsychoactiveSubstance = Substances psychoactives
code-vic_MethodsOfControl-ExcessiveWorkingHours = Horaires de travail excessifs
code-vic_MethodsOfControl-WithholdsDocuments = Confiscation des documents
code-vic_MethodsOfControl-Other = Autre

# vic_TypeOfExploitation
code-vic_TypeOfExploitation-ForcedLabour = Travail forcé
code-vic_TypeOfExploitation-SexualExploitation = Exploitation sexuelle
code-vic_TypeOfExploitation-ChildLabour = Travail des enfants
code-vic_TypeOfExploitation-ForcedMarriage = Mariage forcé
code-vic_TypeOfExploitation-Servitude = Servitude
code-vic_TypeOfExploitation-ForcedMilitaryByNonStateActors = Enrôlement forcé (par des acteurs non étatiques)
code-vic_TypeOfExploitation-OrganRemoval = Prélèvement d'organes
code-vic_TypeOfExploitation-ForcedBegging = Mendicité forcée
code-vic_TypeOfExploitation-ForcedAdoption = Adoption forcée
code-vic_TypeOfExploitation-Surrogacy = Gestation pour autrui
code-vic_TypeOfExploitation-Other = Autre

# vic_ForcedLabourIndustry
code-vic_ForcedLabourIndustry-A_AgricultureForestryAndFishing = Agriculture, sylviculture et pêche
code-vic_ForcedLabourIndustry-B_MiningAndQuarrying = Activités extractives
code-vic_ForcedLabourIndustry-C_Manufacturing = Activités de fabrication
code-vic_ForcedLabourIndustry-D_ElectricityGasSteamAndAirConditioningSupply = Production et distribution d'électricité, de gaz, de vapeur et d'air conditionné
code-vic_ForcedLabourIndustry-E_WaterSupplySewerageWasteManagement = Distribution d'eau ; réseau d'assainissement, gestion des déchets et remise en état
code-vic_ForcedLabourIndustry-F_Construction = Construction
code-vic_ForcedLabourIndustry-G_WholesaleAndRetailTradeRepairOfMotorVehicles = Commerce de gros et de détail ; réparation de véhicules automobiles et de motocycles
code-vic_ForcedLabourIndustry-H_TransportationAndStorage = Transport et entreposage
code-vic_ForcedLabourIndustry-I_AccommodationAndFoodServiceActivities = Activités d'hébergement et de restauration
code-vic_ForcedLabourIndustry-J_InformationAndCommunication = Information et communication
code-vic_ForcedLabourIndustry-K_FinancialAndInsuranceActivities = Activités financières et d'assurance
code-vic_ForcedLabourIndustry-L_RealEstateActivities = Activités immobilières
code-vic_ForcedLabourIndustry-M_ProfessionalScientificAndTechnicalActivities = Activités professionnelles, scientifiques et techniques
code-vic_ForcedLabourIndustry-N_AdministrativeAndSupportServiceActivities = Activités de services administratifs et d'appui
code-vic_ForcedLabourIndustry-O_PublicAdministrationAndDefence = Administration publique et défense ; sécurité sociale obligatoire
code-vic_ForcedLabourIndustry-P_Education = Enseignement
code-vic_ForcedLabourIndustry-Q_HumanHealthAndSocialWorkActivities = Activités pour la santé humaine et l'action sociale
code-vic_ForcedLabourIndustry-R_ArtsEntertainmentAndRecreation = Arts, spectacles et loisirs
code-vic_ForcedLabourIndustry-S_OtherServiceActivities = Autres activités de services
code-vic_ForcedLabourIndustry-T_ActivitiesOfHouseholdsAsEmployers = Activités des ménages en tant qu'employeurs ; activités indifférenciées de production de biens et de services des ménages pour usage propre
code-vic_ForcedLabourIndustry-U_ActivitiesOfExtraterritorialOrganizations = Activités des organisations et organismes extraterritoriaux

# vic_TypeOfSexExploitation
code-vic_TypeOfSexExploitation-Prostitution = Prostitution
code-vic_TypeOfSexExploitation-Pornography = Pornographie
code-vic_TypeOfSexExploitation-RemoteInteractiveServices = Services sexuels interactifs à distance
code-vic_TypeOfSexExploitation-PrivateSexualServices = Services sexuels privés

# vic_ExploitationWebsitesAndApps
code-vic_ExploitationWebsitesAndApps-Facebook = Facebook
code-vic_ExploitationWebsitesAndApps-Instagram = Instagram
code-vic_ExploitationWebsitesAndApps-WhatsApp = WhatsApp
code-vic_ExploitationWebsitesAndApps-Telegram = Telegram
code-vic_ExploitationWebsitesAndApps-FacebookMessenger = Facebook Messenger
code-vic_ExploitationWebsitesAndApps-Viber = Viber
code-vic_ExploitationWebsitesAndApps-SnapChat = SnapChat
code-vic_ExploitationWebsitesAndApps-Line = Line
code-vic_ExploitationWebsitesAndApps-4Sale = 4Sale
code-vic_ExploitationWebsitesAndApps-WeChat = WeChat
code-vic_ExploitationWebsitesAndApps-QQ = QQ
code-vic_ExploitationWebsitesAndApps-QZone = QZone
code-vic_ExploitationWebsitesAndApps-TikTok = TikTok
code-vic_ExploitationWebsitesAndApps-Twitter = Twitter
code-vic_ExploitationWebsitesAndApps-Other = Autre

# vic_Vulnerabilities
code-vic_Vulnerabilities-Addiction = Dépendance (addiction)
code-vic_Vulnerabilities-SocialGroup = Appartenance à un groupe social
code-vic_Vulnerabilities-Discrimination = Discrimination
code-vic_Vulnerabilities-Poverty = Pauvreté
code-vic_Vulnerabilities-DisabilityAndPhysicalHealth = Handicap et santé physique
code-vic_Vulnerabilities-MentalHealth = Santé mentale
code-vic_Vulnerabilities-Migration = Migration
code-vic_Vulnerabilities-Homelessness = Absence de logement
code-vic_Vulnerabilities-AbuseSocialMedia = Violences sur les réseaux sociaux
code-vic_Vulnerabilities-AbusePhysical = Violences physiques
code-vic_Vulnerabilities-Education = Éducation
code-vic_Vulnerabilities-WorkEnvironment = Environnement de travail

# per_RoleInProcess
code-per_RoleInProcess-TravellingPartner = Compagnon de voyage
code-per_RoleInProcess-Transporter = Transporteur
code-per_RoleInProcess-RecruiterOrIntermediary = Recruteur ou intermédiaire
code-per_RoleInProcess-BrokerTravelAgent = Courtier ou agent de voyage
code-per_RoleInProcess-TransferredIndividual = A transféré la personne
code-per_RoleInProcess-HarbouredIndividual = A hébergé la personne
code-per_RoleInProcess-SoldIndividual = A vendu la personne
code-per_RoleInProcess-BoughtIndividual = A acheté la personne
code-per_RoleInProcess-ReceivedIndividual = A accueilli la personne
code-per_RoleInProcess-ControlledIndividual = A contrôlé la personne
code-per_RoleInProcess-Smuggler = Passeur
code-per_RoleInProcess-Abuser = Auteur de violences
code-per_RoleInProcess-Kidnapper = Ravisseur
code-per_RoleInProcess-Exploiter = Exploitant
code-per_RoleInProcess-Other = Autre

# cas_Status
code-cas_Status-Active = Actif
code-cas_Status-FollowUp = Suivi
code-cas_Status-Closed = Clôturé
code-cas_Status-ClosedReferred = Clôturé (orienté)

# cas_ReasonForIncomingReferral
code-cas_ReasonForIncomingReferral-AdditionalServicesRequired = Besoin de services supplémentaires
code-cas_ReasonForIncomingReferral-MigrationOrChangeOfLocation = Migration ou changement de lieu de résidence
code-cas_ReasonForIncomingReferral-Other = Autre

# cas_ReasonForOutgoingReferral
code-cas_ReasonForOutgoingReferral-AdditionalServicesRequired = Besoin de services supplémentaires
code-cas_ReasonForOutgoingReferral-MigrationOrChangeOfLocation = Migration ou changement de lieu de résidence
code-cas_ReasonForOutgoingReferral-Other = Autre

# hte_Type
code-hte_Type-Recruitment = Recrutement
code-hte_Type-Transit = Transit
code-hte_Type-Exploitation = Exploitation

# spl_Type
code-spl_Type-Education = Éducation
code-spl_Type-Financial = Aide financière
code-spl_Type-Health = Santé
code-spl_Type-LabourExploitationRehabilitation = Réadaptation après une exploitation par le travail
code-spl_Type-Legal = Assistance juridique
code-spl_Type-Livelihood = Moyens de subsistance
code-spl_Type-RightsBasedTraining = Formation fondée sur les droits
code-spl_Type-SexualExploitationRehabilitation = Réadaptation après une exploitation sexuelle
code-spl_Type-SocialCare = Accompagnement social

# hvn_ReferralSource
code-hvn_ReferralSource-SelfReferral = Démarche de la personne elle-même
code-hvn_ReferralSource-FamilyOrFriend = Famille ou ami
code-hvn_ReferralSource-Police = Police
code-hvn_ReferralSource-LabourInspection = Inspection du travail
code-hvn_ReferralSource-ChildProtection = Services de protection de l'enfance
code-hvn_ReferralSource-Immigration = Services de l'immigration
code-hvn_ReferralSource-HealthService = Service de santé
code-hvn_ReferralSource-Ngo = ONG
code-hvn_ReferralSource-Hotline = Ligne d'assistance téléphonique
code-hvn_ReferralSource-MiningOrForestryOfficer = Agent des mines ou des forêts
code-hvn_ReferralSource-Embassy = Ambassade ou consulat
code-hvn_ReferralSource-InternationalOrganisation = Organisation internationale
code-hvn_ReferralSource-Other = Autre

# hvn_ClosureReason
code-hvn_ClosureReason-AssistanceCompleted = Assistance achevée
code-hvn_ClosureReason-ReferredElsewhere = Orientation vers un autre organisme
code-hvn_ClosureReason-Returned = Retour au pays ou au lieu d'origine
code-hvn_ClosureReason-DeclinedAssistance = Assistance refusée par la personne
code-hvn_ClosureReason-LostContact = Contact perdu
code-hvn_ClosureReason-NotAVictim = Pas victime de la traite
code-hvn_ClosureReason-Deceased = Décès
code-hvn_ClosureReason-Duplicate = Doublon
code-hvn_ClosureReason-Other = Autre

# hvn_RiskLevel
code-hvn_RiskLevel-Low = Faible
code-hvn_RiskLevel-Medium = Moyen
code-hvn_RiskLevel-High = Élevé
code-hvn_RiskLevel-Critical = Critique

# hvn_IdentityDocumentType
code-hvn_IdentityDocumentType-Passport = Passeport
code-hvn_IdentityDocumentType-NationalIdCard = Carte nationale d'identité
code-hvn_IdentityDocumentType-BirthCertificate = Acte de naissance
code-hvn_IdentityDocumentType-ResidencePermit = Titre de séjour
code-hvn_IdentityDocumentType-WorkPermit = Permis de travail
code-hvn_IdentityDocumentType-DriversLicence = Permis de conduire
code-hvn_IdentityDocumentType-RefugeeDocument = Document de réfugié
code-hvn_IdentityDocumentType-Other = Autre

## Champs des formulaires : libellé et aide

field-first_name = Prénom
field-first_name-help = Le prénom de la personne, tel qu'elle le prononce ou tel qu'il figure sur un document.
field-middle_name = Deuxième prénom
field-middle_name-help = Les autres prénoms de la personne, après le premier.
field-second_name = Nom de famille
field-second_name-help = Le nom de famille de la personne ; si elle en porte deux, indiquez les deux.
field-also_known_as = Autres noms ou surnoms
field-also_known_as-help = Surnoms, pseudonymes ou autres orthographes du nom, qui aident à reconnaître la même personne dans d'autres dossiers.
field-birth_date = Date de naissance
field-birth_date-help = La date de naissance indiquée par la personne ou figurant sur un document ; laissez vide si elle est inconnue et indiquez plutôt un âge estimé.
field-assessed_age = Âge estimé
field-assessed_age-help = Votre meilleure estimation de l'âge de la personne, en années, lorsque sa date de naissance n'est pas connue.
field-age_uncertain = Âge incertain
field-age_uncertain-help = Cochez cette case s'il existe un doute sur le fait que la personne ait moins de 18 ans : elle est alors traitée comme un enfant, avec les protections dues aux enfants, jusqu'à l'évaluation de son âge.
field-gender = Genre
field-gender-help = Le genre auquel la personne s'identifie ; choisissez « Non précisé ou inconnu » si elle préfère ne pas le dire.
field-citizenship = Nationalité
field-citizenship-help = Le ou les pays dont la personne a la nationalité ; laissez vide si elle est apatride ou si on l'ignore.
field-primary_language = Langue principale
field-primary_language-help = La langue que la personne parle le mieux, afin de trouver un interprète si nécessaire.
field-secondary_language = Langue secondaire
field-secondary_language-help = Une autre langue dans laquelle la personne peut communiquer.
field-marital_status = Situation matrimoniale
field-marital_status-help = La situation matrimoniale de la personne, telle qu'elle la décrit.
field-number_of_children = Nombre d'enfants
field-number_of_children-help = Le nombre d'enfants de la personne, y compris ceux qui vivent ailleurs.
field-highest_level_of_education = Niveau d'études le plus élevé
field-highest_level_of_education-help = Le niveau d'études le plus élevé que la personne a achevé, de l'éducation de la petite enfance au doctorat.
field-deceased = Décédé(e)
field-deceased-help = Cochez cette case uniquement si l'on sait que la personne est décédée.
field-identity_documents = Pièces d'identité
field-identity_documents-help = Les documents qui établissent l'identité de la personne, qu'elle les ait encore ou qu'on les lui ait pris.
field-document_type = Type de document
field-document_type-help = La nature du document, par exemple un passeport ou un acte de naissance.
field-document_number = Numéro du document
field-document_number-help = Le numéro inscrit sur le document, recopié à l'identique.
field-issuing_country = Pays de délivrance
field-issuing_country-help = Le pays dont les autorités ont délivré le document.
field-email = Adresse électronique
field-email-help = Une adresse électronique à laquelle la personne peut être contactée en toute sécurité.
field-home_phone = Téléphone fixe
field-home_phone-help = Un numéro de ligne fixe avec l'indicatif du pays, par exemple +592 ; assurez-vous qu'un appel ne peut pas mettre la personne en danger.
field-mobile_phone = Téléphone portable
field-mobile_phone-help = Un numéro de portable avec l'indicatif du pays ; assurez-vous que des appels ou des messages ne peuvent pas mettre la personne en danger.
field-mailing_country = Pays
field-mailing_country-help = Le pays de l'adresse à laquelle la personne peut être jointe.
field-mailing_state = État, province ou région
field-mailing_state-help = L'État, la province ou la région de l'adresse.
field-mailing_city = Ville ou village
field-mailing_city-help = La ville ou le village de l'adresse.
field-mailing_street = Adresse
field-mailing_street-help = La rue et le numéro, ou une description permettant de trouver le lieu.
field-mailing_postal_code = Code postal
field-mailing_postal_code-help = Le code postal de l'adresse, s'il y en a un.
field-trafficking_status = Statut au regard de la traite
field-trafficking_status-help = « Victime potentielle » signifie que des indicateurs de traite sont présents mais qu'aucune décision n'a encore été prise ; « victime avérée » signifie qu'une autorité ou un organisme a reconnu la personne comme victime ; « pas victime » signifie qu'il a décidé le contraire.
field-trafficking_status_decision_org = Statut décidé par
field-trafficking_status_decision_org-help = Le type d'organisme qui a statué sur la situation de la personne au regard de la traite.
field-relationship_to_trafficker = Lien avec le trafiquant
field-relationship_to_trafficker-help = Si le trafiquant était un membre de la famille, une personne que la victime connaissait déjà ou un inconnu.
field-age_when_trafficked = Âge au moment de la traite
field-age_when_trafficked-help = L'âge de la personne, en années, lorsqu'elle a été victime de la traite pour la première fois.
field-method_of_recruitment = Mode de recrutement
field-method_of_recruitment-help = La manière dont la personne a été approchée ou attirée au départ, par exemple par une offre d'emploi ou par des amis.
field-recruitment_websites_and_apps = Sites et applications de recrutement
field-recruitment_websites_and_apps-help = Les sites web ou applications par lesquels les trafiquants ont d'abord contacté ou attiré la personne.
field-methods_of_control = Moyens de contrôle
field-methods_of_control-help = Les moyens utilisés par les trafiquants pour garder la personne sous leur emprise, comme les menaces, les dettes ou la confiscation des documents.
field-type_of_exploitation = Type d'exploitation
field-type_of_exploitation-help = Les fins auxquelles la personne a été exploitée ; choisissez tous les types qui s'appliquent.
field-forced_labour_industry = Secteur du travail forcé
field-forced_labour_industry-help = Le secteur d'activité dans lequel la personne a été forcée de travailler, par exemple les mines ou l'agriculture.
field-type_of_sex_exploitation = Type d'exploitation sexuelle
field-type_of_sex_exploitation-help = La ou les formes qu'a prises l'exploitation sexuelle.
field-exploitation_websites_and_apps = Sites et applications d'exploitation
field-exploitation_websites_and_apps-help = Les sites web ou applications utilisés pour exploiter la personne, par exemple pour la proposer ou la vendre.
field-vulnerabilities = Vulnérabilités
field-vulnerabilities-help = Les circonstances qui ont rendu la personne plus exposée à la traite, comme la pauvreté, une dépendance ou la discrimination.
field-perpetrator_name = Nom de l'auteur
field-perpetrator_name-help = Le nom ou le surnom sous lequel la victime connaît cet auteur.
field-perpetrator_roles = Rôles
field-perpetrator_roles-help = Ce que cet auteur a fait dans le processus de traite ; choisissez tous les rôles qui s'appliquent.
field-perpetrator_relation = Lien avec la victime
field-perpetrator_relation-help = Comment la victime connaît cet auteur, par exemple comme parent, employeur ou inconnu.
field-perpetrator_nationality = Nationalité
field-perpetrator_nationality-help = Le pays dont cet auteur a la nationalité, s'il est connu.
field-perpetrator_details = Précisions
field-perpetrator_details-help = Tout autre élément qui aide à identifier cet auteur, comme une description, un lieu qu'il fréquente ou un véhicule.
field-event_type = Étape
field-event_type-help = Si cette étape du parcours relève du recrutement, du transit ou de l'exploitation.
field-event_country = Pays
field-event_country-help = Le pays où cette étape a eu lieu.
field-event_region = Région
field-event_region-help = L'État, la province ou la région où cette étape a eu lieu.
field-event_place = Lieu
field-event_place-help = La ville, le village, le campement minier ou tout autre lieu où cette étape a eu lieu.
field-event_start_date = Date de début
field-event_start_date-help = Le début de cette étape ; une date approximative vaut mieux que pas de date.
field-event_end_date = Date de fin
field-event_end_date-help = La fin de cette étape ; laissez vide si elle est toujours en cours.
field-event_description = Description
field-event_description-help = Ce qui s'est passé pendant cette étape, si possible avec les mots de la personne.
field-status = Statut du cas
field-status-help = « Actif » tant que l'organisme assiste la personne, « Suivi » lorsqu'il ne reste que le suivi, « Clôturé » lorsque le travail est terminé et « Clôturé (orienté) » lorsque le cas a été clôturé parce qu'un autre organisme l'a pris en charge.
field-owner_agency = Organisme responsable
field-owner_agency-help = L'organisme chargé de gérer le cas.
field-assigned_user = Travailleur social référent
field-assigned_user-help = Le travailleur social de l'organisme responsable qui est chargé de ce cas.
field-region = Région
field-region-help = La région du pays où le cas est traité.
field-risk_level = Niveau de risque
field-risk_level-help = Votre évaluation du danger que court actuellement la personne ; « Critique » signifie une menace immédiate pour sa vie ou sa sécurité.
field-referral_source = Source de l'orientation
field-referral_source-help = La façon dont le cas est parvenu à votre organisme : qui a identifié la personne ou vous l'a adressée.
field-referring_organisation = Organisme orienteur
field-referring_organisation-help = L'organisme qui a orienté la personne vers votre organisme, le cas échéant.
field-referral_date = Date de l'orientation
field-referral_date-help = La date à laquelle votre organisme a accepté l'orientation.
field-reason_for_incoming_referral = Motif de l'orientation
field-reason_for_incoming_referral-help = La raison pour laquelle l'organisme orienteur a transmis le cas à votre organisme.
field-summary = Résumé
field-summary-help = Un bref exposé factuel du cas, rédigé de façon qu'un collègue puisse le reprendre.
field-closure_reason = Motif de clôture
field-closure_reason-help = La raison pour laquelle le cas est clôturé.
field-closure_note = Note de clôture
field-closure_note-help = Toute précision sur la clôture, par exemple l'organisme vers lequel la personne a été orientée ou la façon de la joindre.
field-note_body = Note
field-note_body-help = Une inscription au dossier : un contact, un service fourni ou une décision prise.
field-attachment_file = Fichier
field-attachment_file-help = Un document numérisé, une photo ou un rapport à joindre au cas ; ne joignez que ce dont le cas a besoin.

## Sections des formulaires

section-person = Personne
section-victim = Situation de la victime
section-route = Parcours et événements
section-perpetrators = Auteurs présumés
section-case = Cas
section-notes = Notes
section-attachments = Pièces jointes
section-history = Historique
section-contact = Coordonnées
section-identity = Pièces d'identité
section-address = Adresse
