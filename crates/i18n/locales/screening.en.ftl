### Haven — the screening interview, in English: the ILO/EC operational indicators of trafficking
### in human beings (2009) as questions and labels, with their dimensions, profiles and outcomes.
### screen-q-ID: the question the screener asks (or asks themselves) about the person;
### screen-i-ID: the indicator's short label on result pages. ID is an indicator id of
### crates/domain/data/ilo-indicators.toml (a test checks that every id has both).
### Every key here is also in screening.fr.ftl and screening.es.ftl, and in no other file.

## Answers and notes

screen-answer-present = Yes
screen-answer-absent = No
screen-answer-unknown = Don't know
screen-evidence = What did you see or hear? (no names)
screen-disclaimer = A screening is not a legal decision: only the competent authority identifies a victim of trafficking. It records indicators and the next step.

## Profiles

screen-profile-adult_labour = Adult, labour exploitation
screen-profile-adult_sexual = Adult, sexual exploitation
screen-profile-child_labour = Child, labour exploitation
screen-profile-child_sexual = Child, sexual exploitation

## Outcomes

screen-outcome-no_indicators = No indicators of trafficking
screen-outcome-no_indicators-help = No indicators of trafficking or exploitation were found. No further action is needed under the national referral mechanism; record the screening.
screen-outcome-exploitation_only = Exploitation without trafficking indicators
screen-outcome-exploitation_only-help = There are signs of exploitation, but not enough indicators of trafficking. Refer the person to the labour inspectorate or the relevant service, and keep watching for signs of trafficking.
screen-outcome-possible_victim = Possible victim: refer for assessment
screen-outcome-possible_victim-help = There are serious indicators of trafficking, but not yet for every element. Refer the person for a full assessment.
screen-outcome-indicators_met = Trafficking indicators met
screen-outcome-indicators_met-help = The indicators show every element of trafficking. Refer to the national coordinator now; if the person is in danger, make an urgent safety referral.

## What a stronger conclusion would need

screen-group-recruitment = a recruitment element (deception, coercion or abuse of vulnerability when recruited, or for a child: recruitment or movement)
screen-group-exploitation = an exploitation element (exploitative conditions of work or living)
screen-group-coercion = a coercion element (coercion or abuse of vulnerability where the person is exploited)

## The Palermo Protocol

screen-palermo = The three elements of trafficking (Palermo Protocol)
screen-palermo-act = Act (recruitment, transport, transfer, harbouring or receipt of the person)
screen-palermo-means = Means (threats, force, deception, abuse of vulnerability or other coercion)
screen-palermo-purpose = Purpose (exploitation)

## Dimensions

screen-dim-1 = Deceptive recruitment
screen-dim-1-help = Was the person lied to when recruited: about the job, the pay, the conditions or the journey?
screen-dim-2 = Coercive recruitment
screen-dim-2-help = Was force, a threat or pressure used to recruit the person or to move them?
screen-dim-3 = Recruitment by abuse of vulnerability
screen-dim-3-help = Did the recruiter take advantage of the person's difficult situation, needs or lack of information?
screen-dim-4 = Exploitative conditions of work
screen-dim-4-help = How are the person's work and living conditions now: hours, pay, safety and housing?
screen-dim-5 = Coercion at destination
screen-dim-5-help = Is force, a threat or control used to keep the person working or to stop them leaving?
screen-dim-6 = Abuse of vulnerability at destination
screen-dim-6-help = Does the person's situation where they are now make it hard for them to leave or to ask for help?

## 1. Deceptive recruitment

screen-q-deceived_nature_of_job = Was the person told they would do a different job, in a different place or for a different employer than the one they found?
screen-i-deceived_nature_of_job = Deceived about the job, place or employer
screen-q-deceived_conditions_of_work = Was the person misled about the working conditions, for example the hours, the days off or how they would be treated?
screen-i-deceived_conditions_of_work = Deceived about conditions of work
screen-q-deceived_contract = Was the person misled about their contract, for example what it said or whether it was legal?
screen-i-deceived_contract = Deceived about the contract
screen-q-deceived_family_reunification = Was the person promised that they could join their family or bring their family over, and it did not happen?
screen-i-deceived_family_reunification = Deceived about being reunited with family
screen-q-deceived_housing_and_living = Was the person misled about where they would live or about their living conditions?
screen-i-deceived_housing_and_living = Deceived about housing and living conditions
screen-q-deceived_documents_or_migration_status = Was the person misled about their papers, for example promised a visa or work permit, or told their documents were legal when they were not?
screen-i-deceived_documents_or_migration_status = Deceived about documents or migration status
screen-q-deceived_travel_and_recruitment = Was the person misled about the journey or the recruitment, for example the cost, the route or who would pay?
screen-i-deceived_travel_and_recruitment = Deceived about travel or recruitment conditions
screen-q-deceived_wages = Was the person promised more pay than they get, or a different way of being paid?
screen-i-deceived_wages = Deceived about wages or earnings
screen-q-deceived_marriage_or_adoption = Was the person brought in by a false promise of marriage, of a relationship or of adoption?
screen-i-deceived_marriage_or_adoption = False promise of marriage or adoption
screen-q-deceived_education = Was the person promised schooling, studies or training that did not happen?
screen-i-deceived_education = Deceived about education or training

## 2. Coercive recruitment

screen-q-recruitment_violence = When the person was recruited or moved, was violence used against them (for example hitting or sexual abuse)?
screen-i-recruitment_violence = Violence when recruited
screen-q-abduction_forced_marriage_adoption_or_selling = Was the person taken by force, forced to marry, given for adoption against their will, or sold or exchanged for money or goods?
screen-i-abduction_forced_marriage_adoption_or_selling = Abduction, forced marriage or adoption, or sale
screen-q-recruitment_confiscation_of_documents = When the person was recruited or on the way, did someone take their passport or identity papers and keep them?
screen-i-recruitment_confiscation_of_documents = Documents taken when recruited
screen-q-recruitment_debt_bondage = Was the person given a debt when recruited (for example for travel, fees or papers) that was used to make them go or to make them obey?
screen-i-recruitment_debt_bondage = Debt bondage when recruited
screen-q-recruitment_isolation_or_surveillance = When the person was recruited or on the way, were they locked in, cut off from other people or watched all the time?
screen-i-recruitment_isolation_or_surveillance = Isolated, confined or watched when recruited
screen-q-recruitment_threat_of_denunciation = When the person was recruited or on the way, were they threatened with being reported to the police or to immigration?
screen-i-recruitment_threat_of_denunciation = Threatened with the authorities when recruited
screen-q-recruitment_threat_to_inform_family = When the person was recruited or on the way, were they threatened that their family, community or others would be told something to shame them?
screen-i-recruitment_threat_to_inform_family = Threat to tell family or community when recruited
screen-q-recruitment_threats_of_violence = When the person was recruited or on the way, were they threatened with violence?
screen-i-recruitment_threats_of_violence = Threats of violence when recruited
screen-q-recruitment_violence_on_family = When the person was recruited or on the way, was their family threatened or harmed to make them go or obey?
screen-i-recruitment_violence_on_family = Family threatened or harmed when recruited
screen-q-recruitment_withholding_of_money = When the person was recruited or on the way, did someone keep their money or stop them from having any?
screen-i-recruitment_withholding_of_money = Money withheld when recruited

## 3. Recruitment by abuse of vulnerability

screen-q-abuse_difficult_family_situation = Did the recruiter take advantage of a difficult family situation, for example violence at home, a family crisis or having no one to care for the person?
screen-i-abuse_difficult_family_situation = Abuse of a difficult family situation
screen-q-abuse_illegal_status = Did the recruiter take advantage of the person having no legal right to stay or to work in the country?
screen-i-abuse_illegal_status = Abuse of irregular migration status
screen-q-abuse_lack_of_education = Did the recruiter take advantage of the person not reading or writing well, or not speaking the local language?
screen-i-abuse_lack_of_education = Abuse of lack of education or language
screen-q-abuse_lack_of_information = Did the recruiter take advantage of the person not knowing their rights, the place or how things work there?
screen-i-abuse_lack_of_information = Abuse of lack of information
screen-q-control_of_exploiters = Was the person already under the control of the recruiter, for example a relative, a partner or someone they depended on?
screen-i-control_of_exploiters = Under the control of the recruiters
screen-q-economic_reasons = When recruited, did the person badly need money (for example poverty, debts or no work), and could the recruiter use this?
screen-i-economic_reasons = Economic need when recruited
screen-q-false_information_about_law = Was the person given false information about the law, or about how the police or other authorities would treat them?
screen-i-false_information_about_law = False information about the law or authorities
screen-q-false_information_about_migration = Was the person told false stories of success elsewhere, for example that others who went had become rich?
screen-i-false_information_about_migration = False stories of successful migration
screen-q-family_situation = When recruited, was the person under pressure from their family's needs, for example relatives to support or money to send home?
screen-i-family_situation = Family pressure or responsibilities
screen-q-personal_situation = When recruited, was the person in a vulnerable personal situation, for example illness, disability, pregnancy, addiction or being alone?
screen-i-personal_situation = Vulnerable personal situation
screen-q-psychological_dependency = Did the person depend emotionally on the recruiter, for example a partner, a boyfriend or girlfriend, or a trusted relative?
screen-i-psychological_dependency = Emotional or psychological dependency
screen-q-relationship_with_authorities = When recruited, was the person afraid of the authorities, or without papers or a clear legal status?
screen-i-relationship_with_authorities = Fear of authorities or unclear legal status
screen-q-abuse_cultural_or_religious_beliefs = Did the recruiter use the person's cultural or religious beliefs to pressure them, for example an oath, a ritual or a curse?
screen-i-abuse_cultural_or_religious_beliefs = Abuse of cultural or religious beliefs
screen-q-general_context = Does the person come from a place hit by conflict, disaster, economic crisis or strong discrimination?
screen-i-general_context = Difficult general context (conflict, crisis)
screen-q-difficulties_in_the_past = Has the person lived through hard experiences before, for example violence, abuse or living on the street?
screen-i-difficulties_in_the_past = Difficult past experiences
screen-q-difficulty_organising_travel = Would the person have been unable to travel on their own, for example with no money, no papers or no knowledge of the route?
screen-i-difficulty_organising_travel = Could not arrange the journey alone

## 4. Exploitative conditions of work

screen-q-excessive_working_hours = Does the person work very long hours or days, with little or no rest and no days off?
screen-i-excessive_working_hours = Excessive working days or hours
screen-q-bad_living_conditions = Does the person live in very poor conditions, for example crowded, unsafe or dirty housing, or without enough food or water?
screen-i-bad_living_conditions = Bad living conditions
screen-q-hazardous_work = Is the work dangerous for the person's health or safety, for example heavy loads, mercury or other chemicals, deep pits, or no protective equipment?
screen-i-hazardous_work = Hazardous work
screen-q-low_or_no_salary = Is the person paid very little, or nothing at all?
screen-i-low_or_no_salary = Low or no pay
screen-q-no_respect_of_labour_laws = Does the employer ignore the labour laws or the contract, for example by paying below the minimum wage, giving no breaks or changing the agreed terms?
screen-i-no_respect_of_labour_laws = Labour laws or contract not respected
screen-q-no_social_protection = Is the person without social protection, for example no health care, no sick pay, no insurance or no social security?
screen-i-no_social_protection = No social protection
screen-q-very_bad_working_conditions = Are the working conditions very bad, for example degrading treatment, no toilets or drinking water, or punishments at work?
screen-i-very_bad_working_conditions = Very bad working conditions
screen-q-wage_manipulation = Is the person's pay manipulated, for example unexplained deductions, fines, or charges for food, tools or housing that take most of it?
screen-i-wage_manipulation = Wage manipulation
screen-q-no_access_to_education = Is the person kept from school or training because of the work?
screen-i-no_access_to_education = No access to education

## 5. Coercion at destination

screen-q-confiscation_of_documents = Does someone else keep the person's passport or identity papers, so that the person cannot get them back when they want?
screen-i-confiscation_of_documents = Documents taken away
screen-q-debt_bondage = Does the person owe a debt to the employer or recruiter that they cannot pay off, and must keep working because of it?
screen-i-debt_bondage = Debt bondage
screen-q-isolation_confinement_or_surveillance = Is the person locked in, kept from going out or from contacting other people, or watched all the time?
screen-i-isolation_confinement_or_surveillance = Isolated, confined or watched
screen-q-violence_on_victim = Has the person been hit, hurt, sexually abused or otherwise harmed by the employer or the people who control them?
screen-i-violence_on_victim = Violence against the person
screen-q-forced_into_illicit_activities = Is the person made to commit crimes or illegal acts, for example carrying or selling drugs, or stealing?
screen-i-forced_into_illicit_activities = Forced into criminal activities
screen-q-forced_tasks_or_clients = Is the person forced to do work, tasks or sexual acts, or to see clients, that they refuse or did not agree to?
screen-i-forced_tasks_or_clients = Forced tasks or clients
screen-q-forced_to_act_against_peers = Is the person made to control, punish or harm other workers or other victims?
screen-i-forced_to_act_against_peers = Forced to act against others
screen-q-forced_to_lie = Is the person told what to say, or forced to lie, to the authorities, to their family or to others?
screen-i-forced_to_lie = Forced to lie to authorities or family
screen-q-threat_of_denunciation = Is the person threatened with being reported to the police or to immigration?
screen-i-threat_of_denunciation = Threatened with the authorities
screen-q-threat_of_worse_conditions = Is the person threatened with even worse work or treatment if they do not obey?
screen-i-threat_of_worse_conditions = Threat of even worse conditions
screen-q-threats_of_violence = Is the person threatened with being hurt or with other violence?
screen-i-threats_of_violence = Threats of violence
screen-q-under_strong_influence = Is the person under the strong influence of the people who control them, for example made dependent on drugs or alcohol, or obeying them without question?
screen-i-under_strong_influence = Under the strong influence of the exploiters
screen-q-violence_on_family = Has the person's family been threatened or harmed to make the person obey?
screen-i-violence_on_family = Family threatened or harmed
screen-q-withholding_of_wages = Does the employer or someone else keep the person's pay, or hold it back until later?
screen-i-withholding_of_wages = Wages withheld
screen-q-threat_to_inform_family = Is the person threatened that their family, community or others will be told something to shame them?
screen-i-threat_to_inform_family = Threat to tell family or community

## 6. Abuse of vulnerability at destination

screen-q-dependency_on_exploiters = Does the person depend on the employer or the people who control them for housing, food, work, transport or papers?
screen-i-dependency_on_exploiters = Dependent on the exploiters
screen-q-difficulty_living_in_unknown_area = Is it hard for the person to manage alone where they are now, for example in a remote camp, a new country or a place where they do not speak the language?
screen-i-difficulty_living_in_unknown_area = Difficulty living in an unknown place
screen-q-destination_economic_reasons = Does the person feel unable to leave because they or their family need the money?
screen-i-destination_economic_reasons = Economic need keeps the person there
screen-q-destination_family_situation = Does the person's family situation make it hard to leave, for example relatives who rely on their money or who would reject them?
screen-i-destination_family_situation = Family situation makes leaving hard
screen-q-destination_relationship_with_authorities = Is the person afraid of the authorities, or without valid papers or legal status where they are now?
screen-i-destination_relationship_with_authorities = Fear of authorities or no legal status
screen-q-destination_difficulties_in_the_past = Do hard past experiences (for example abuse, violence or trauma) make it harder for the person to get away or to ask for help?
screen-i-destination_difficulties_in_the_past = Past difficulties make leaving harder
screen-q-personal_characteristics = Is the person especially vulnerable because of their age, a disability, an illness, a pregnancy or another personal characteristic?
screen-i-personal_characteristics = Vulnerable personal characteristics
