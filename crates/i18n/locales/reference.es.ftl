### Haven — etiquetas de los datos de referencia, en español.
### Mismas claves que reference.en.ftl (una prueba lo verifica). Los sectores de actividad siguen la
### CIIU Rev. 4 y los niveles educativos la CINE 2011.

## Códigos de las listas de opciones

# org_Type
code-org_Type-NGO = ONG
code-org_Type-LawEnforcement = Fuerzas del orden
code-org_Type-HealthServiceOrganisation = Institución de salud
code-org_Type-CentralGovernmentOrganisation = Institución del gobierno central
code-org_Type-LocalGovernmentOrganisation = Institución del gobierno local
code-org_Type-ImmigrationService = Servicio de migración
code-org_Type-LegalService = Servicio jurídico
code-org_Type-CorporateBusiness = Empresa
code-org_Type-SchoolOrCollege = Centro educativo

# prs_Gender
code-prs_Gender-Feminine = Femenino
code-prs_Gender-Masculine = Masculino
code-prs_Gender-TransgenderFeminine = Transgénero femenino
code-prs_Gender-TransgenderMasculine = Transgénero masculino
code-prs_Gender-NonConforming = Género no conforme
code-prs_Gender-NonSpecifiedUnknown = No especificado o desconocido

# prs_MaritalStatus
code-prs_MaritalStatus-Single = Soltero/a
code-prs_MaritalStatus-Married = Casado/a
code-prs_MaritalStatus-Widowed = Viudo/a
code-prs_MaritalStatus-Divorced = Divorciado/a
code-prs_MaritalStatus-Separated = Separado/a
code-prs_MaritalStatus-RegisteredPartnership = Unión civil registrada

# prs_HighestLevelOfEducation
code-prs_HighestLevelOfEducation-EarlyChildhoodEducation = Educación de la primera infancia
code-prs_HighestLevelOfEducation-PrimaryEducation = Educación primaria
code-prs_HighestLevelOfEducation-LowerSecondaryEducation = Educación secundaria baja
code-prs_HighestLevelOfEducation-UpperSecondaryEducation = Educación secundaria alta
code-prs_HighestLevelOfEducation-PostSecondaryNonTertiaryEducation = Educación postsecundaria no terciaria
code-prs_HighestLevelOfEducation-ShortCycleTertiaryEducation = Educación terciaria de ciclo corto
code-prs_HighestLevelOfEducation-BachelorsOrEquivalentLevel = Grado en educación terciaria o nivel equivalente
code-prs_HighestLevelOfEducation-MastersOrEquivalentLevel = Nivel de maestría, especialización o equivalente
code-prs_HighestLevelOfEducation-DoctoralOrEquivalentLevel = Nivel de doctorado o equivalente

# vic_TraffickingStatus
code-vic_TraffickingStatus-PossibleVictimOfTrafficking = Posible víctima de trata
code-vic_TraffickingStatus-ActualVictimOfTrafficking = Víctima de trata confirmada
code-vic_TraffickingStatus-NotAVictimOfTrafficking = No es víctima de trata

# vic_TraffickingStatusDecisionMakingOrg
code-vic_TraffickingStatusDecisionMakingOrg-Police = Policía
code-vic_TraffickingStatusDecisionMakingOrg-NGO = ONG
code-vic_TraffickingStatusDecisionMakingOrg-CourtOrProsecution = Tribunal o fiscalía
code-vic_TraffickingStatusDecisionMakingOrg-NonPoliceGovernmentalOrganization = Institución pública distinta de la policía
code-vic_TraffickingStatusDecisionMakingOrg-Other = Otra

# vic_RelationshipToTrafficker
code-vic_RelationshipToTrafficker-Familial = Vínculo familiar
code-vic_RelationshipToTrafficker-Acquainted = Conocido
code-vic_RelationshipToTrafficker-Unaquainted = Desconocido

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
code-vic_RecruitmentWebsitesAndApps-Other = Otra

# vic_MethodOfRecruitment
code-vic_MethodOfRecruitment-AtAPlaceOfBusiness = En un comercio o empresa
code-vic_MethodOfRecruitment-AtAnEducationalInstitution = En un centro educativo
code-vic_MethodOfRecruitment-AtWork = En el lugar de trabajo
code-vic_MethodOfRecruitment-ThroughOnlineSocialNetworks = A través de redes sociales en línea
code-vic_MethodOfRecruitment-ThroughAnOnlineAdvertisement = A través de un anuncio en internet
code-vic_MethodOfRecruitment-ThroughATelevisionAdvert = A través de un anuncio en televisión
code-vic_MethodOfRecruitment-ThroughANewspaperAdvert = A través de un anuncio en un periódico
code-vic_MethodOfRecruitment-ThroughFamilyOrFamilyEvents = A través de la familia o de eventos familiares
code-vic_MethodOfRecruitment-ThroughFriendsOrSocialEvents = A través de amistades o de eventos sociales
code-vic_MethodOfRecruitment-Other = Otro

# vic_MethodsOfControl
code-vic_MethodsOfControl-PhysicalThreats = Amenazas físicas
code-vic_MethodsOfControl-ThreatsLawEnforcement = Amenazas de denuncia a las autoridades
code-vic_MethodsOfControl-ThreatensChildrenFamily = Amenazas contra los hijos o la familia
code-vic_MethodsOfControl-DebtBondage = Servidumbre por deudas
code-vic_MethodsOfControl-FalsePromises = Falsas promesas
code-vic_MethodsOfControl-PhysicalAbuse = Abuso físico
code-vic_MethodsOfControl-SexualAbuse = Abuso sexual
code-vic_MethodsOfControl-TakesEarnings = Apropiación de los ingresos
code-vic_MethodsOfControl-RestrictsFinancialAccess = Restricción del acceso al dinero
code-vic_MethodsOfControl-RestrictsMedicalCare = Restricción del acceso a la atención médica
code-vic_MethodsOfControl-WithholdsNecessities = Privación de necesidades básicas
code-vic_MethodsOfControl-PsychologicalAbuse = Abuso psicológico
code-vic_MethodsOfControl-PsychoactiveSubstance = Sustancias psicoactivas
code-vic_MethodsOfControl-ExcessiveWorkingHours = Jornadas de trabajo excesivas
code-vic_MethodsOfControl-WithholdsDocuments = Retención de documentos
code-vic_MethodsOfControl-Other = Otro

# vic_TypeOfExploitation
code-vic_TypeOfExploitation-ForcedLabour = Trabajo forzoso
code-vic_TypeOfExploitation-SexualExploitation = Explotación sexual
code-vic_TypeOfExploitation-ChildLabour = Trabajo infantil
code-vic_TypeOfExploitation-ForcedMarriage = Matrimonio forzado
code-vic_TypeOfExploitation-Servitude = Servidumbre
code-vic_TypeOfExploitation-ForcedMilitaryByNonStateActors = Reclutamiento forzoso (por actores no estatales)
code-vic_TypeOfExploitation-OrganRemoval = Extracción de órganos
code-vic_TypeOfExploitation-ForcedBegging = Mendicidad forzada
code-vic_TypeOfExploitation-ForcedAdoption = Adopción forzada
code-vic_TypeOfExploitation-Surrogacy = Gestación subrogada
code-vic_TypeOfExploitation-Other = Otro

# vic_ForcedLabourIndustry
code-vic_ForcedLabourIndustry-A_AgricultureForestryAndFishing = Agricultura, ganadería, silvicultura y pesca
code-vic_ForcedLabourIndustry-B_MiningAndQuarrying = Explotación de minas y canteras
code-vic_ForcedLabourIndustry-C_Manufacturing = Industrias manufactureras
code-vic_ForcedLabourIndustry-D_ElectricityGasSteamAndAirConditioningSupply = Suministro de electricidad, gas, vapor y aire acondicionado
code-vic_ForcedLabourIndustry-E_WaterSupplySewerageWasteManagement = Suministro de agua; evacuación de aguas residuales, gestión de desechos y descontaminación
code-vic_ForcedLabourIndustry-F_Construction = Construcción
code-vic_ForcedLabourIndustry-G_WholesaleAndRetailTradeRepairOfMotorVehicles = Comercio al por mayor y al por menor; reparación de vehículos automotores y motocicletas
code-vic_ForcedLabourIndustry-H_TransportationAndStorage = Transporte y almacenamiento
code-vic_ForcedLabourIndustry-I_AccommodationAndFoodServiceActivities = Actividades de alojamiento y de servicio de comidas
code-vic_ForcedLabourIndustry-J_InformationAndCommunication = Información y comunicaciones
code-vic_ForcedLabourIndustry-K_FinancialAndInsuranceActivities = Actividades financieras y de seguros
code-vic_ForcedLabourIndustry-L_RealEstateActivities = Actividades inmobiliarias
code-vic_ForcedLabourIndustry-M_ProfessionalScientificAndTechnicalActivities = Actividades profesionales, científicas y técnicas
code-vic_ForcedLabourIndustry-N_AdministrativeAndSupportServiceActivities = Actividades de servicios administrativos y de apoyo
code-vic_ForcedLabourIndustry-O_PublicAdministrationAndDefence = Administración pública y defensa; planes de seguridad social de afiliación obligatoria
code-vic_ForcedLabourIndustry-P_Education = Enseñanza
code-vic_ForcedLabourIndustry-Q_HumanHealthAndSocialWorkActivities = Actividades de atención de la salud humana y de asistencia social
code-vic_ForcedLabourIndustry-R_ArtsEntertainmentAndRecreation = Actividades artísticas, de entretenimiento y recreativas
code-vic_ForcedLabourIndustry-S_OtherServiceActivities = Otras actividades de servicios
code-vic_ForcedLabourIndustry-T_ActivitiesOfHouseholdsAsEmployers = Actividades de los hogares como empleadores; actividades no diferenciadas de los hogares como productores de bienes y servicios para uso propio
code-vic_ForcedLabourIndustry-U_ActivitiesOfExtraterritorialOrganizations = Actividades de organizaciones y órganos extraterritoriales

# vic_TypeOfSexExploitation
code-vic_TypeOfSexExploitation-Prostitution = Prostitución
code-vic_TypeOfSexExploitation-Pornography = Pornografía
code-vic_TypeOfSexExploitation-RemoteInteractiveServices = Servicios sexuales interactivos a distancia
code-vic_TypeOfSexExploitation-PrivateSexualServices = Servicios sexuales privados

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
code-vic_ExploitationWebsitesAndApps-Other = Otra

# vic_Vulnerabilities
code-vic_Vulnerabilities-Addiction = Adicción
code-vic_Vulnerabilities-SocialGroup = Pertenencia a un grupo social
code-vic_Vulnerabilities-Discrimination = Discriminación
code-vic_Vulnerabilities-Poverty = Pobreza
code-vic_Vulnerabilities-DisabilityAndPhysicalHealth = Discapacidad y salud física
code-vic_Vulnerabilities-MentalHealth = Salud mental
code-vic_Vulnerabilities-Migration = Migración
code-vic_Vulnerabilities-Homelessness = Falta de vivienda
code-vic_Vulnerabilities-AbuseSocialMedia = Abuso en redes sociales
code-vic_Vulnerabilities-AbusePhysical = Abuso físico
code-vic_Vulnerabilities-Education = Educación
code-vic_Vulnerabilities-WorkEnvironment = Entorno laboral

# per_RoleInProcess
code-per_RoleInProcess-TravellingPartner = Acompañante de viaje
code-per_RoleInProcess-Transporter = Transportista
code-per_RoleInProcess-RecruiterOrIntermediary = Captador o intermediario
code-per_RoleInProcess-BrokerTravelAgent = Gestor o agente de viajes
code-per_RoleInProcess-TransferredIndividual = Trasladó a la persona
code-per_RoleInProcess-HarbouredIndividual = Acogió a la persona
code-per_RoleInProcess-SoldIndividual = Vendió a la persona
code-per_RoleInProcess-BoughtIndividual = Compró a la persona
code-per_RoleInProcess-ReceivedIndividual = Recibió a la persona
code-per_RoleInProcess-ControlledIndividual = Controló a la persona
code-per_RoleInProcess-Smuggler = Traficante de migrantes
code-per_RoleInProcess-Abuser = Agresor
code-per_RoleInProcess-Kidnapper = Secuestrador
code-per_RoleInProcess-Exploiter = Explotador
code-per_RoleInProcess-Other = Otro

# cas_Status
code-cas_Status-Active = Activo
code-cas_Status-FollowUp = Seguimiento
code-cas_Status-Closed = Cerrado
code-cas_Status-ClosedReferred = Cerrado (derivado)

# cas_ReasonForIncomingReferral
code-cas_ReasonForIncomingReferral-AdditionalServicesRequired = Se requieren servicios adicionales
code-cas_ReasonForIncomingReferral-MigrationOrChangeOfLocation = Migración o cambio de lugar de residencia
code-cas_ReasonForIncomingReferral-Other = Otro

# cas_ReasonForOutgoingReferral
code-cas_ReasonForOutgoingReferral-AdditionalServicesRequired = Se requieren servicios adicionales
code-cas_ReasonForOutgoingReferral-MigrationOrChangeOfLocation = Migración o cambio de lugar de residencia
code-cas_ReasonForOutgoingReferral-Other = Otro

# hte_Type
code-hte_Type-Recruitment = Captación
code-hte_Type-Transit = Tránsito
code-hte_Type-Exploitation = Explotación

# spl_Type
code-spl_Type-Education = Educación
code-spl_Type-Financial = Apoyo económico
code-spl_Type-Health = Salud
code-spl_Type-LabourExploitationRehabilitation = Rehabilitación tras la explotación laboral
code-spl_Type-Legal = Asistencia jurídica
code-spl_Type-Livelihood = Medios de vida
code-spl_Type-RightsBasedTraining = Formación basada en derechos
code-spl_Type-SexualExploitationRehabilitation = Rehabilitación tras la explotación sexual
code-spl_Type-SocialCare = Atención social

# hvn_ReferralSource
code-hvn_ReferralSource-SelfReferral = Por iniciativa propia
code-hvn_ReferralSource-FamilyOrFriend = Familiar o amistad
code-hvn_ReferralSource-Police = Policía
code-hvn_ReferralSource-LabourInspection = Inspección del trabajo
code-hvn_ReferralSource-ChildProtection = Servicios de protección de la niñez
code-hvn_ReferralSource-Immigration = Servicios de migración
code-hvn_ReferralSource-HealthService = Servicio de salud
code-hvn_ReferralSource-Ngo = ONG
code-hvn_ReferralSource-Hotline = Línea de ayuda telefónica
code-hvn_ReferralSource-MiningOrForestryOfficer = Funcionario de minas o forestal
code-hvn_ReferralSource-Embassy = Embajada o consulado
code-hvn_ReferralSource-InternationalOrganisation = Organización internacional
code-hvn_ReferralSource-Other = Otro

# hvn_ClosureReason
code-hvn_ClosureReason-AssistanceCompleted = Asistencia finalizada
code-hvn_ClosureReason-ReferredElsewhere = Derivado a otra institución
code-hvn_ClosureReason-Returned = Retorno al país o lugar de origen
code-hvn_ClosureReason-DeclinedAssistance = La persona rechazó la asistencia
code-hvn_ClosureReason-LostContact = Se perdió el contacto
code-hvn_ClosureReason-NotAVictim = No es víctima de trata
code-hvn_ClosureReason-Deceased = Fallecimiento
code-hvn_ClosureReason-Duplicate = Registro duplicado
code-hvn_ClosureReason-Other = Otro

# hvn_RiskLevel
code-hvn_RiskLevel-Low = Bajo
code-hvn_RiskLevel-Medium = Medio
code-hvn_RiskLevel-High = Alto
code-hvn_RiskLevel-Critical = Crítico

# hvn_IdentityDocumentType
code-hvn_IdentityDocumentType-Passport = Pasaporte
code-hvn_IdentityDocumentType-NationalIdCard = Documento nacional de identidad
code-hvn_IdentityDocumentType-BirthCertificate = Partida de nacimiento
code-hvn_IdentityDocumentType-ResidencePermit = Permiso de residencia
code-hvn_IdentityDocumentType-WorkPermit = Permiso de trabajo
code-hvn_IdentityDocumentType-DriversLicence = Licencia de conducir
code-hvn_IdentityDocumentType-RefugeeDocument = Documento de refugiado
code-hvn_IdentityDocumentType-Other = Otro

## Campos de los formularios: etiqueta y ayuda

field-first_name = Nombre
field-first_name-help = El nombre de pila de la persona, tal como ella lo dice o como figura en un documento.
field-middle_name = Segundo nombre
field-middle_name-help = Los demás nombres de pila de la persona, después del primero.
field-second_name = Apellidos
field-second_name-help = El apellido o los apellidos de la persona; si usa dos apellidos, anote ambos.
field-also_known_as = Otros nombres o apodos
field-also_known_as-help = Apodos, alias u otras formas de escribir el nombre, que ayudan a reconocer a la misma persona en otros registros.
field-birth_date = Fecha de nacimiento
field-birth_date-help = La fecha de nacimiento que indica la persona o que figura en un documento; déjela en blanco si se desconoce e indique en su lugar una edad estimada.
field-assessed_age = Edad estimada
field-assessed_age-help = Su mejor estimación de la edad de la persona, en años, cuando no se conoce su fecha de nacimiento.
field-age_uncertain = Edad incierta
field-age_uncertain-help = Marque esta casilla si hay dudas de que la persona sea menor de 18 años: se la tratará como niña, niño o adolescente, con las protecciones correspondientes, hasta que se determine su edad.
field-gender = Género
field-gender-help = El género con el que se identifica la persona; elija «No especificado o desconocido» si prefiere no decirlo.
field-citizenship = Nacionalidad
field-citizenship-help = El país o los países de los que la persona es nacional; déjelo en blanco si es apátrida o si se desconoce.
field-primary_language = Idioma principal
field-primary_language-help = El idioma que la persona habla mejor, para conseguir un intérprete si hace falta.
field-secondary_language = Idioma secundario
field-secondary_language-help = Otro idioma en el que la persona puede comunicarse.
field-marital_status = Estado civil
field-marital_status-help = La situación conyugal de la persona, tal como ella la describe.
field-number_of_children = Número de hijos
field-number_of_children-help = Cuántos hijos e hijas tiene la persona, incluidos los que viven en otro lugar.
field-highest_level_of_education = Máximo nivel educativo
field-highest_level_of_education-help = El nivel de estudios más alto que la persona ha completado, desde la educación de la primera infancia hasta el doctorado.
field-deceased = Fallecido/a
field-deceased-help = Marque esta casilla solo si se sabe que la persona ha fallecido.
field-identity_documents = Documentos de identidad
field-identity_documents-help = Los documentos que acreditan la identidad de la persona, ya sea que aún los tenga o que se los hayan quitado.
field-document_type = Tipo de documento
field-document_type-help = La clase de documento, por ejemplo un pasaporte o una partida de nacimiento.
field-document_number = Número del documento
field-document_number-help = El número que figura en el documento, copiado exactamente.
field-issuing_country = País de expedición
field-issuing_country-help = El país cuyas autoridades expidieron el documento.
field-email = Correo electrónico
field-email-help = Una dirección de correo electrónico en la que se puede contactar a la persona de forma segura.
field-home_phone = Teléfono fijo
field-home_phone-help = Un número de línea fija con el código del país, por ejemplo +592; asegúrese de que llamar no ponga en riesgo a la persona.
field-mobile_phone = Teléfono celular
field-mobile_phone-help = Un número de celular con el código del país; asegúrese de que las llamadas o los mensajes no pongan en riesgo a la persona.
field-mailing_country = País
field-mailing_country-help = El país de la dirección en la que se puede localizar a la persona.
field-mailing_state = Estado, provincia o región
field-mailing_state-help = El estado, la provincia o la región de la dirección.
field-mailing_city = Ciudad o localidad
field-mailing_city-help = La ciudad, el pueblo o la localidad de la dirección.
field-mailing_street = Dirección
field-mailing_street-help = La calle y el número, o una descripción de cómo llegar al lugar.
field-mailing_postal_code = Código postal
field-mailing_postal_code-help = El código postal de la dirección, si existe.
field-trafficking_status = Situación respecto de la trata
field-trafficking_status-help = «Posible víctima» significa que hay indicios de trata pero aún no se ha tomado ninguna decisión; «víctima confirmada» significa que una autoridad o institución ha determinado que la persona es víctima; «no es víctima» significa que ha determinado lo contrario.
field-trafficking_status_decision_org = Situación determinada por
field-trafficking_status_decision_org-help = El tipo de institución que determinó la situación de la persona respecto de la trata.
field-relationship_to_trafficker = Relación con el tratante
field-relationship_to_trafficker-help = Si el tratante era un familiar, alguien a quien la persona ya conocía o un desconocido.
field-age_when_trafficked = Edad al momento de la trata
field-age_when_trafficked-help = La edad de la persona, en años, cuando fue víctima de trata por primera vez.
field-method_of_recruitment = Forma de captación
field-method_of_recruitment-help = Cómo se contactó o atrajo a la persona en un primer momento, por ejemplo mediante una oferta de empleo o a través de amistades.
field-recruitment_websites_and_apps = Sitios y aplicaciones de captación
field-recruitment_websites_and_apps-help = Los sitios web o aplicaciones por los que los tratantes contactaron o atrajeron a la persona por primera vez.
field-methods_of_control = Medios de control
field-methods_of_control-help = Los medios que usaron los tratantes para mantener a la persona bajo su control, como amenazas, deudas o la retención de documentos.
field-type_of_exploitation = Tipo de explotación
field-type_of_exploitation-help = Con qué fin se explotó a la persona; elija todos los tipos que correspondan.
field-forced_labour_industry = Sector del trabajo forzoso
field-forced_labour_industry-help = El sector de la economía en el que se obligó a trabajar a la persona, por ejemplo la minería o la agricultura.
field-type_of_sex_exploitation = Tipo de explotación sexual
field-type_of_sex_exploitation-help = La forma o las formas que adoptó la explotación sexual.
field-exploitation_websites_and_apps = Sitios y aplicaciones de explotación
field-exploitation_websites_and_apps-help = Los sitios web o aplicaciones usados para explotar a la persona, por ejemplo para ofrecerla o venderla.
field-vulnerabilities = Vulnerabilidades
field-vulnerabilities-help = Las circunstancias que hicieron a la persona más vulnerable a la trata, como la pobreza, una adicción o la discriminación.
field-perpetrator_name = Nombre del autor
field-perpetrator_name-help = El nombre o apodo con el que la víctima conoce a este autor.
field-perpetrator_roles = Funciones
field-perpetrator_roles-help = Lo que hizo este autor en el proceso de trata; elija todas las funciones que correspondan.
field-perpetrator_relation = Relación con la víctima
field-perpetrator_relation-help = Cómo conoce la víctima a este autor, por ejemplo como familiar, empleador o desconocido.
field-perpetrator_nationality = Nacionalidad
field-perpetrator_nationality-help = El país del que este autor es nacional, si se conoce.
field-perpetrator_details = Detalles
field-perpetrator_details-help = Cualquier otro dato que ayude a identificar a este autor, como una descripción, un lugar que frecuenta o un vehículo.
field-event_type = Etapa
field-event_type-help = Si este tramo del recorrido corresponde a la captación, al tránsito o a la explotación.
field-event_country = País
field-event_country-help = El país donde tuvo lugar este tramo.
field-event_region = Región
field-event_region-help = El estado, la provincia o la región donde tuvo lugar este tramo.
field-event_place = Lugar
field-event_place-help = La ciudad, el pueblo, el campamento minero u otro lugar donde tuvo lugar este tramo.
field-event_start_date = Fecha de inicio
field-event_start_date-help = Cuándo comenzó este tramo; una fecha aproximada es mejor que ninguna.
field-event_end_date = Fecha de fin
field-event_end_date-help = Cuándo terminó este tramo; déjela en blanco si aún continúa.
field-event_description = Descripción
field-event_description-help = Lo que ocurrió durante este tramo, en lo posible con las palabras de la persona.
field-status = Estado del caso
field-status-help = «Activo» mientras la institución asiste a la persona, «Seguimiento» cuando solo queda el seguimiento, «Cerrado» cuando el trabajo ha terminado y «Cerrado (derivado)» cuando el caso se cerró porque otra institución se hizo cargo de él.
field-owner_agency = Institución responsable
field-owner_agency-help = La institución encargada de gestionar el caso.
field-assigned_user = Gestor/a de casos asignado/a
field-assigned_user-help = La persona gestora de casos de la institución responsable que está a cargo de este caso.
field-region = Región
field-region-help = La región del país donde se atiende el caso.
field-risk_level = Nivel de riesgo
field-risk_level-help = Su evaluación del peligro que corre ahora la persona; «Crítico» significa una amenaza inmediata para su vida o su seguridad.
field-referral_source = Origen de la derivación
field-referral_source-help = Cómo llegó el caso a su institución: quién identificó a la persona o se la remitió.
field-referring_organisation = Institución que deriva
field-referring_organisation-help = La institución que derivó a la persona a su institución, si la hay.
field-referral_date = Fecha de la derivación
field-referral_date-help = La fecha en que su institución aceptó la derivación.
field-reason_for_incoming_referral = Motivo de la derivación
field-reason_for_incoming_referral-help = Por qué la institución que deriva envió el caso a su institución.
field-summary = Resumen
field-summary-help = Un breve relato objetivo del caso, redactado de modo que otra persona del equipo pueda hacerse cargo de él.
field-closure_reason = Motivo del cierre
field-closure_reason-help = Por qué se cierra el caso.
field-closure_note = Nota de cierre
field-closure_note-help = Cualquier detalle sobre el cierre, como la institución a la que se derivó a la persona o cómo localizarla.
field-note_body = Nota
field-note_body-help = Una anotación en el expediente: un contacto, un servicio prestado o una decisión tomada.
field-attachment_file = Archivo
field-attachment_file-help = Un documento escaneado, una foto o un informe para adjuntar al caso; adjunte solo lo que el caso necesite.

## Secciones de los formularios

section-person = Persona
section-victim = Situación de la víctima
section-route = Recorrido y hechos
section-perpetrators = Presuntos autores
section-case = Caso
section-notes = Notas
section-attachments = Archivos adjuntos
section-history = Historial
section-contact = Datos de contacto
section-identity = Documentos de identidad
section-address = Dirección
