### Haven — labels of reference data, in English.
### code-FIELD-CODE: the label of a picklist code (HTCDS 2.0 field and value names, or Haven's
### own hvn_ lists); field-NAME and field-NAME-help: a form field's label and help text;
### section-NAME: the title of a form section.
### The English labels of HTCDS codes are the standard's value labels ("Human Trafficking Case
### Data Standard (HTCDS) by IOM", CC BY 4.0), with "Unaquainted" corrected in the label only.
### Every key here is also in reference.fr.ftl and reference.es.ftl, and in none of en.ftl,
### fr.ftl, es.ftl (tests check).

## Picklist codes

# org_Type: Type (HTCDS 2.0)
code-org_Type-NGO = NGO
code-org_Type-LawEnforcement = Law Enforcement
code-org_Type-HealthServiceOrganisation = Health Service Organisation
code-org_Type-CentralGovernmentOrganisation = Central Government Organisation
code-org_Type-LocalGovernmentOrganisation = Local Government Organisation
code-org_Type-ImmigrationService = Immigration Service
code-org_Type-LegalService = Legal Service
code-org_Type-CorporateBusiness = Corporate Business
code-org_Type-SchoolOrCollege = School or College

# prs_Gender: Gender (HTCDS 2.0)
code-prs_Gender-Feminine = Feminine
code-prs_Gender-Masculine = Masculine
code-prs_Gender-TransgenderFeminine = Transgender Feminine
code-prs_Gender-TransgenderMasculine = Transgender Masculine
code-prs_Gender-NonConforming = Non-Conforming
code-prs_Gender-NonSpecifiedUnknown = Not Specified/Unknown

# prs_MaritalStatus: Marital Status (HTCDS 2.0)
code-prs_MaritalStatus-Single = Single
code-prs_MaritalStatus-Married = Married
code-prs_MaritalStatus-Widowed = Widowed
code-prs_MaritalStatus-Divorced = Divorced
code-prs_MaritalStatus-Separated = Separated
code-prs_MaritalStatus-RegisteredPartnership = Registered Partnership

# prs_HighestLevelOfEducation: Highest Level of Education (HTCDS 2.0)
code-prs_HighestLevelOfEducation-EarlyChildhoodEducation = Early Childhood Education
code-prs_HighestLevelOfEducation-PrimaryEducation = Primary Education
code-prs_HighestLevelOfEducation-LowerSecondaryEducation = Lower Secondary Education
code-prs_HighestLevelOfEducation-UpperSecondaryEducation = Upper Secondary Education
code-prs_HighestLevelOfEducation-PostSecondaryNonTertiaryEducation = Post-secondary Non-tertiary Education
code-prs_HighestLevelOfEducation-ShortCycleTertiaryEducation = Short-cycle Tertiary Education
code-prs_HighestLevelOfEducation-BachelorsOrEquivalentLevel = Bachelor’s or Equivalent Level
code-prs_HighestLevelOfEducation-MastersOrEquivalentLevel = Master’s or Equivalent Level
code-prs_HighestLevelOfEducation-DoctoralOrEquivalentLevel = Doctoral or Equivalent Level

# vic_TraffickingStatus: Trafficking Status (HTCDS 2.0)
code-vic_TraffickingStatus-PossibleVictimOfTrafficking = Possible victim of trafficking
code-vic_TraffickingStatus-ActualVictimOfTrafficking = Actual victim of trafficking
code-vic_TraffickingStatus-NotAVictimOfTrafficking = Not a victim of trafficking

# vic_TraffickingStatusDecisionMakingOrg: Trafficking Status Decision Making Organization (HTCDS 2.0)
code-vic_TraffickingStatusDecisionMakingOrg-Police = Police
code-vic_TraffickingStatusDecisionMakingOrg-NGO = NGO
code-vic_TraffickingStatusDecisionMakingOrg-CourtOrProsecution = Court or prosecution
code-vic_TraffickingStatusDecisionMakingOrg-NonPoliceGovernmentalOrganization = Non-police governmental organization
code-vic_TraffickingStatusDecisionMakingOrg-Other = Other

# vic_RelationshipToTrafficker: Relationship to Trafficker (HTCDS 2.0)
code-vic_RelationshipToTrafficker-Familial = Familial
code-vic_RelationshipToTrafficker-Acquainted = Acquainted
code-vic_RelationshipToTrafficker-Unaquainted = Unacquainted

# vic_RecruitmentWebsitesAndApps: Recruitment Websites and Apps (HTCDS 2.0)
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
code-vic_RecruitmentWebsitesAndApps-Other = Other

# vic_MethodOfRecruitment: Method of Recruitment (HTCDS 2.0)
code-vic_MethodOfRecruitment-AtAPlaceOfBusiness = At a place of business
code-vic_MethodOfRecruitment-AtAnEducationalInstitution = At an educational institution
code-vic_MethodOfRecruitment-AtWork = At work
code-vic_MethodOfRecruitment-ThroughOnlineSocialNetworks = Through online social networks
code-vic_MethodOfRecruitment-ThroughAnOnlineAdvertisement = Through an online advertisement
code-vic_MethodOfRecruitment-ThroughATelevisionAdvert = Through a television advert
code-vic_MethodOfRecruitment-ThroughANewspaperAdvert = Through a newspaper advert
code-vic_MethodOfRecruitment-ThroughFamilyOrFamilyEvents = Through family or family events
code-vic_MethodOfRecruitment-ThroughFriendsOrSocialEvents = Through friends or social events
code-vic_MethodOfRecruitment-Other = Other

# vic_MethodsOfControl: Methods of Control (HTCDS 2.0)
code-vic_MethodsOfControl-PhysicalThreats = Physical threats
code-vic_MethodsOfControl-ThreatsLawEnforcement = Threats of law enforcement
code-vic_MethodsOfControl-ThreatensChildrenFamily = Threatens children/family
code-vic_MethodsOfControl-DebtBondage = Debt bondage
code-vic_MethodsOfControl-FalsePromises = False promises
code-vic_MethodsOfControl-PhysicalAbuse = Physical abuse
code-vic_MethodsOfControl-SexualAbuse = Sexual abuse
code-vic_MethodsOfControl-TakesEarnings = Takes earnings
code-vic_MethodsOfControl-RestrictsFinancialAccess = Restricts financial access
code-vic_MethodsOfControl-RestrictsMedicalCare = Restricts medical care
code-vic_MethodsOfControl-WithholdsNecessities = Withholds necessities
code-vic_MethodsOfControl-PsychologicalAbuse = Psychological abuse
code-vic_MethodsOfControl-PsychoactiveSubstance = Psychoactive substance
code-vic_MethodsOfControl-ExcessiveWorkingHours = Excessive working hours
code-vic_MethodsOfControl-WithholdsDocuments = Withholds documents
code-vic_MethodsOfControl-Other = Other

# vic_TypeOfExploitation: Type of Exploitation (HTCDS 2.0)
code-vic_TypeOfExploitation-ForcedLabour = Forced labour
code-vic_TypeOfExploitation-SexualExploitation = Sexual exploitation
code-vic_TypeOfExploitation-ChildLabour = Child labour
code-vic_TypeOfExploitation-ForcedMarriage = Forced marriage
code-vic_TypeOfExploitation-Servitude = Servitude
code-vic_TypeOfExploitation-ForcedMilitaryByNonStateActors = Forced military (by non-state actors)
code-vic_TypeOfExploitation-OrganRemoval = Organ removal
code-vic_TypeOfExploitation-ForcedBegging = Forced begging
code-vic_TypeOfExploitation-ForcedAdoption = Forced adoption
code-vic_TypeOfExploitation-Surrogacy = Surrogacy
code-vic_TypeOfExploitation-Other = Other

# vic_ForcedLabourIndustry: Forced Labour Industry (HTCDS 2.0)
code-vic_ForcedLabourIndustry-A_AgricultureForestryAndFishing = Agriculture, forestry and fishing
code-vic_ForcedLabourIndustry-B_MiningAndQuarrying = Mining and quarrying
code-vic_ForcedLabourIndustry-C_Manufacturing = Manufacturing
code-vic_ForcedLabourIndustry-D_ElectricityGasSteamAndAirConditioningSupply = Electricity, gas, steam and air conditioning supply
code-vic_ForcedLabourIndustry-E_WaterSupplySewerageWasteManagement = Water supply; sewerage, waste management and remediation
code-vic_ForcedLabourIndustry-F_Construction = Construction
code-vic_ForcedLabourIndustry-G_WholesaleAndRetailTradeRepairOfMotorVehicles = Wholesale and retail trade; repair of motor vehicles and motorcycles
code-vic_ForcedLabourIndustry-H_TransportationAndStorage = Transportation and storage
code-vic_ForcedLabourIndustry-I_AccommodationAndFoodServiceActivities = Accommodation and food service activities
code-vic_ForcedLabourIndustry-J_InformationAndCommunication = Information and communication
code-vic_ForcedLabourIndustry-K_FinancialAndInsuranceActivities = Financial and insurance activities
code-vic_ForcedLabourIndustry-L_RealEstateActivities = Real estate activities
code-vic_ForcedLabourIndustry-M_ProfessionalScientificAndTechnicalActivities = Professional, scientific and technical activities
code-vic_ForcedLabourIndustry-N_AdministrativeAndSupportServiceActivities = Administrative and support service activities
code-vic_ForcedLabourIndustry-O_PublicAdministrationAndDefence = Public administration and defence; compulsory social security
code-vic_ForcedLabourIndustry-P_Education = Education
code-vic_ForcedLabourIndustry-Q_HumanHealthAndSocialWorkActivities = Human health and social work activities
code-vic_ForcedLabourIndustry-R_ArtsEntertainmentAndRecreation = Arts, entertainment and recreation
code-vic_ForcedLabourIndustry-S_OtherServiceActivities = Other service activities
code-vic_ForcedLabourIndustry-T_ActivitiesOfHouseholdsAsEmployers = Activities of households as employers; undifferentiated goods- and services- producing activities of households for own use
code-vic_ForcedLabourIndustry-U_ActivitiesOfExtraterritorialOrganizations = Activities of extraterritorial organizations and bodies

# vic_TypeOfSexExploitation: Type of Sex Exploitation (HTCDS 2.0)
code-vic_TypeOfSexExploitation-Prostitution = Prostitution
code-vic_TypeOfSexExploitation-Pornography = Pornography
code-vic_TypeOfSexExploitation-RemoteInteractiveServices = Remote Interactive Services
code-vic_TypeOfSexExploitation-PrivateSexualServices = Private Sexual Services

# vic_ExploitationWebsitesAndApps: Exploitation Websites and Apps (HTCDS 2.0)
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
code-vic_ExploitationWebsitesAndApps-Other = Other

# vic_Vulnerabilities: Vulnerabilities (HTCDS 2.0)
code-vic_Vulnerabilities-Addiction = Addiction
code-vic_Vulnerabilities-SocialGroup = Social Group
code-vic_Vulnerabilities-Discrimination = Discrimination
code-vic_Vulnerabilities-Poverty = Poverty
code-vic_Vulnerabilities-DisabilityAndPhysicalHealth = Disability and physical health
code-vic_Vulnerabilities-MentalHealth = Mental health
code-vic_Vulnerabilities-Migration = Migration
code-vic_Vulnerabilities-Homelessness = Homelessness
code-vic_Vulnerabilities-AbuseSocialMedia = Abuse - social media
code-vic_Vulnerabilities-AbusePhysical = Abuse - physical
code-vic_Vulnerabilities-Education = Education
code-vic_Vulnerabilities-WorkEnvironment = Work environment

# per_RoleInProcess: Role in Process (HTCDS 2.0)
code-per_RoleInProcess-TravellingPartner = Travelling Partner
code-per_RoleInProcess-Transporter = Transporter
code-per_RoleInProcess-RecruiterOrIntermediary = Recruiter Or Intermediary
code-per_RoleInProcess-BrokerTravelAgent = Broker Travel Agent
code-per_RoleInProcess-TransferredIndividual = Transferred Individual
code-per_RoleInProcess-HarbouredIndividual = Harboured Individual
code-per_RoleInProcess-SoldIndividual = Sold Individual
code-per_RoleInProcess-BoughtIndividual = Bought Individual
code-per_RoleInProcess-ReceivedIndividual = Received Individual
code-per_RoleInProcess-ControlledIndividual = Controlled Individual
code-per_RoleInProcess-Smuggler = Smuggler
code-per_RoleInProcess-Abuser = Abuser
code-per_RoleInProcess-Kidnapper = Kidnapper
code-per_RoleInProcess-Exploiter = Exploiter
code-per_RoleInProcess-Other = Other

# cas_Status: Status (HTCDS 2.0)
code-cas_Status-Active = Active
code-cas_Status-FollowUp = Follow Up
code-cas_Status-Closed = Closed
code-cas_Status-ClosedReferred = Closed Referred

# cas_ReasonForIncomingReferral: Reason for Incoming Referral (HTCDS 2.0)
code-cas_ReasonForIncomingReferral-AdditionalServicesRequired = Additional Services Required
code-cas_ReasonForIncomingReferral-MigrationOrChangeOfLocation = Migration or Change of Location
code-cas_ReasonForIncomingReferral-Other = Other

# cas_ReasonForOutgoingReferral: Reason for Outgoing Referral (HTCDS 2.0)
code-cas_ReasonForOutgoingReferral-AdditionalServicesRequired = Additional Services Required
code-cas_ReasonForOutgoingReferral-MigrationOrChangeOfLocation = Migration or Change of Location
code-cas_ReasonForOutgoingReferral-Other = Other

# hte_Type: Type (HTCDS 2.0)
code-hte_Type-Recruitment = Recruitment
code-hte_Type-Transit = Transit
code-hte_Type-Exploitation = Exploitation

# spl_Type: Type (HTCDS 2.0)
code-spl_Type-Education = Education
code-spl_Type-Financial = Financial
code-spl_Type-Health = Health
code-spl_Type-LabourExploitationRehabilitation = Labour Exploitation Rehabilitation
code-spl_Type-Legal = Legal
code-spl_Type-Livelihood = Livelihood
code-spl_Type-RightsBasedTraining = Rights-based Training
code-spl_Type-SexualExploitationRehabilitation = Sexual Exploitation Rehabilitation
code-spl_Type-SocialCare = Social Care

# hvn_ReferralSource: Referral source (Haven)
code-hvn_ReferralSource-SelfReferral = Self-referral
code-hvn_ReferralSource-FamilyOrFriend = Family or friend
code-hvn_ReferralSource-Police = Police
code-hvn_ReferralSource-LabourInspection = Labour inspection
code-hvn_ReferralSource-ChildProtection = Child protection services
code-hvn_ReferralSource-Immigration = Immigration services
code-hvn_ReferralSource-HealthService = Health service
code-hvn_ReferralSource-Ngo = NGO
code-hvn_ReferralSource-Hotline = Hotline
code-hvn_ReferralSource-MiningOrForestryOfficer = Mining or forestry officer
code-hvn_ReferralSource-Embassy = Embassy or consulate
code-hvn_ReferralSource-InternationalOrganisation = International organisation
code-hvn_ReferralSource-Other = Other

# hvn_ClosureReason: Reason for closure (Haven)
code-hvn_ClosureReason-AssistanceCompleted = Assistance completed
code-hvn_ClosureReason-ReferredElsewhere = Referred to another organisation
code-hvn_ClosureReason-Returned = Returned home
code-hvn_ClosureReason-DeclinedAssistance = Declined assistance
code-hvn_ClosureReason-LostContact = Contact lost
code-hvn_ClosureReason-NotAVictim = Not a victim of trafficking
code-hvn_ClosureReason-Deceased = Deceased
code-hvn_ClosureReason-Duplicate = Duplicate record
code-hvn_ClosureReason-Other = Other

# hvn_RiskLevel: Risk level (Haven)
code-hvn_RiskLevel-Low = Low
code-hvn_RiskLevel-Medium = Medium
code-hvn_RiskLevel-High = High
code-hvn_RiskLevel-Critical = Critical

# hvn_IdentityDocumentType: Identity document type (Haven)
code-hvn_IdentityDocumentType-Passport = Passport
code-hvn_IdentityDocumentType-NationalIdCard = National identity card
code-hvn_IdentityDocumentType-BirthCertificate = Birth certificate
code-hvn_IdentityDocumentType-ResidencePermit = Residence permit
code-hvn_IdentityDocumentType-WorkPermit = Work permit
code-hvn_IdentityDocumentType-DriversLicence = Driver's licence
code-hvn_IdentityDocumentType-RefugeeDocument = Refugee document
code-hvn_IdentityDocumentType-Other = Other

## Form fields: label and help text

field-first_name = First name
field-first_name-help = The person's given name, as they say it or as written on a document.
field-middle_name = Middle name
field-middle_name-help = Any other given names the person has, after the first one.
field-second_name = Last name
field-second_name-help = The person's family name or surname; if they use two family names, enter both.
field-also_known_as = Also known as
field-also_known_as-help = Nicknames, aliases or other spellings of the name, which help to recognise the same person in other records.
field-birth_date = Date of birth
field-birth_date-help = The date of birth stated by the person or shown on a document; leave it empty if unknown and give an assessed age instead.
field-assessed_age = Assessed age
field-assessed_age-help = Your best estimate of the person's age in years, when the date of birth is not known.
field-age_uncertain = Age uncertain
field-age_uncertain-help = Tick this when there is doubt about whether the person is under 18: they are then treated as a child, with a child's protections, until their age is assessed.
field-gender = Gender
field-gender-help = The gender the person identifies with; choose Not Specified/Unknown if they prefer not to say.
field-citizenship = Citizenship
field-citizenship-help = The country or countries of which the person is a citizen; leave it empty if the person is stateless or it is not known.
field-primary_language = Primary language
field-primary_language-help = The language the person speaks best, so that an interpreter can be found if needed.
field-secondary_language = Secondary language
field-secondary_language-help = Another language in which the person can communicate.
field-marital_status = Marital status
field-marital_status-help = The person's marital situation, as they describe it.
field-number_of_children = Number of children
field-number_of_children-help = How many children the person has, including children who live elsewhere.
field-highest_level_of_education = Highest level of education
field-highest_level_of_education-help = The highest level of schooling the person has completed, from early childhood education up to a doctorate.
field-deceased = Deceased
field-deceased-help = Tick this only if the person is known to have died.
field-identity_documents = Identity documents
field-identity_documents-help = The documents that show who the person is, whether they still have them or they were taken from them.
field-document_type = Document type
field-document_type-help = The kind of document, for example a passport or a birth certificate.
field-document_number = Document number
field-document_number-help = The number printed on the document, copied exactly.
field-issuing_country = Issuing country
field-issuing_country-help = The country whose authorities issued the document.
field-email = Email
field-email-help = An email address at which the person can be contacted safely.
field-home_phone = Home phone
field-home_phone-help = A landline number with its country code, for example +592; make sure calling it cannot put the person at risk.
field-mobile_phone = Mobile phone
field-mobile_phone-help = A mobile number with its country code; make sure calls or messages to it cannot put the person at risk.
field-mailing_country = Country
field-mailing_country-help = The country of the address where the person can be reached.
field-mailing_state = State, province or region
field-mailing_state-help = The state, province or region of the address.
field-mailing_city = Town or village
field-mailing_city-help = The town, city or village of the address.
field-mailing_street = Street address
field-mailing_street-help = The street and house number, or a description of how to find the place.
field-mailing_postal_code = Postal code
field-mailing_postal_code-help = The postal code of the address, if there is one.
field-trafficking_status = Trafficking status
field-trafficking_status-help = Possible means that there are indicators of trafficking but no decision has been made yet; Actual means that an authority or organisation has decided the person is a victim; Not a victim means it decided they are not.
field-trafficking_status_decision_org = Status decided by
field-trafficking_status_decision_org-help = The kind of organisation that decided the person's trafficking status.
field-relationship_to_trafficker = Relationship to the trafficker
field-relationship_to_trafficker-help = Whether the trafficker was a family member, someone the person already knew, or a stranger.
field-age_when_trafficked = Age when trafficked
field-age_when_trafficked-help = The person's age in years when they were first trafficked.
field-method_of_recruitment = Method of recruitment
field-method_of_recruitment-help = How the person was first approached or drawn in, for example through a job advertisement or through friends.
field-recruitment_websites_and_apps = Recruitment websites and apps
field-recruitment_websites_and_apps-help = The websites or apps through which the traffickers first contacted or lured the person.
field-methods_of_control = Methods of control
field-methods_of_control-help = The means the traffickers used to keep the person under their control, such as threats, debts or taking away documents.
field-type_of_exploitation = Type of exploitation
field-type_of_exploitation-help = What the person was exploited for; choose every type that applies.
field-forced_labour_industry = Industry of forced labour
field-forced_labour_industry-help = The branch of the economy in which the person was forced to work, for example mining or agriculture.
field-type_of_sex_exploitation = Type of sexual exploitation
field-type_of_sex_exploitation-help = The form or forms the sexual exploitation took.
field-exploitation_websites_and_apps = Exploitation websites and apps
field-exploitation_websites_and_apps-help = The websites or apps used to exploit the person, for example to advertise or sell them.
field-vulnerabilities = Vulnerabilities
field-vulnerabilities-help = Circumstances that made the person easier to traffic, such as poverty, addiction or discrimination.
field-perpetrator_name = Perpetrator's name
field-perpetrator_name-help = The name or nickname by which this perpetrator is known to the victim.
field-perpetrator_roles = Roles
field-perpetrator_roles-help = What this perpetrator did in the trafficking process; choose every role that applies.
field-perpetrator_relation = Relationship to the victim
field-perpetrator_relation-help = How the victim knows this perpetrator, for example as a relative, an employer or a stranger.
field-perpetrator_nationality = Nationality
field-perpetrator_nationality-help = The country of which this perpetrator is a citizen, if known.
field-perpetrator_details = Details
field-perpetrator_details-help = Anything else that helps to identify this perpetrator, such as a description, a place they use or a vehicle.
field-event_type = Stage
field-event_type-help = Whether this step of the route was recruitment, transit or exploitation.
field-event_country = Country
field-event_country-help = The country where this step took place.
field-event_region = Region
field-event_region-help = The state, province or region where this step took place.
field-event_place = Place
field-event_place-help = The town, village, mining camp or other place where this step took place.
field-event_start_date = Start date
field-event_start_date-help = When this step began; an approximate date is better than none.
field-event_end_date = End date
field-event_end_date-help = When this step ended; leave it empty if it is still going on.
field-event_description = Description
field-event_description-help = What happened during this step, in the person's own words where possible.
field-status = Case status
field-status-help = Active while the agency is assisting the person, Follow Up when only follow-up remains, Closed when the work is finished, and Closed Referred when the case was closed because another organisation took it over.
field-owner_agency = Owning agency
field-owner_agency-help = The agency responsible for managing the case.
field-assigned_user = Assigned case worker
field-assigned_user-help = The case worker of the owning agency who is in charge of this case.
field-region = Region
field-region-help = The region of the country where the case is handled.
field-risk_level = Risk level
field-risk_level-help = Your assessment of the danger the person is in now; Critical means an immediate threat to their life or safety.
field-referral_source = Referral source
field-referral_source-help = How the case reached your agency: who identified the person or sent them to you.
field-referring_organisation = Referring organisation
field-referring_organisation-help = The organisation that referred the person to your agency, if any.
field-referral_date = Referral date
field-referral_date-help = The date on which your agency accepted the referral.
field-reason_for_incoming_referral = Reason for the referral
field-reason_for_incoming_referral-help = Why the referring organisation sent the case to your agency.
field-summary = Summary
field-summary-help = A short factual account of the case, written so that a colleague could take it over.
field-closure_reason = Reason for closure
field-closure_reason-help = Why the case is being closed.
field-closure_note = Closure note
field-closure_note-help = Any details about the closure, such as where the person was referred or how they can be reached.
field-note_body = Note
field-note_body-help = An entry in the case record: a contact, a service provided or a decision taken.
field-attachment_file = File
field-attachment_file-help = A scanned document, photo or report to add to the case; attach only what the case needs.

## Form sections

section-person = Person
section-victim = Victim's situation
section-route = Route and events
section-perpetrators = Perpetrators
section-case = Case
section-notes = Notes
section-attachments = Attachments
section-history = History
section-contact = Contact details
section-identity = Identity documents
section-address = Address
