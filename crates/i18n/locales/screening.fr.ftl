### Haven — l'entretien de repérage, en français : les indicateurs opérationnels de la traite des
### êtres humains de l'OIT et de la Commission européenne (2009), sous forme de questions et de
### libellés, avec leurs dimensions, profils et résultats.
### screen-q-ID : la question que l'agent pose (ou se pose) au sujet de la personne ;
### screen-i-ID : le libellé court de l'indicateur dans les résultats. ID est un identifiant
### d'indicateur de crates/domain/data/ilo-indicators.toml (un test vérifie que chacun a les deux).
### Chaque clé de screening.en.ftl doit exister ici, et seulement celles-là (un test le vérifie).

## Answers and notes

screen-answer-present = Oui
screen-answer-absent = Non
screen-answer-unknown = Je ne sais pas
screen-evidence = Qu'avez-vous vu ou entendu ? (aucun nom)
screen-disclaimer = Un repérage n'est pas une décision juridique : seule l'autorité compétente identifie une victime de la traite. Il consigne les indicateurs et l'étape suivante.

## Profiles

screen-profile-adult_labour = Adulte, exploitation par le travail
screen-profile-adult_sexual = Adulte, exploitation sexuelle
screen-profile-child_labour = Enfant, exploitation par le travail
screen-profile-child_sexual = Enfant, exploitation sexuelle

## Outcomes

screen-outcome-no_indicators = Aucun indicateur de traite
screen-outcome-no_indicators-help = Aucun indicateur de traite ni d'exploitation n'a été relevé. Aucune autre mesure n'est nécessaire au titre du mécanisme national d'orientation ; enregistrez le repérage.
screen-outcome-exploitation_only = Exploitation sans indicateurs de traite
screen-outcome-exploitation_only-help = Il y a des signes d'exploitation, mais pas assez d'indicateurs de traite. Orientez la personne vers l'inspection du travail ou le service compétent, et restez attentif à tout signe de traite.
screen-outcome-possible_victim = Victime présumée : à orienter pour une évaluation
screen-outcome-possible_victim-help = Il y a des indicateurs sérieux de traite, mais pas encore pour chacun des éléments. Orientez la personne pour une évaluation complète.
screen-outcome-indicators_met = Indicateurs de traite réunis
screen-outcome-indicators_met-help = Les indicateurs montrent tous les éléments de la traite. Orientez maintenant vers le coordinateur national ; si la personne est en danger, faites une orientation de sécurité urgente.

## What a stronger conclusion would need

screen-group-recruitment = un élément de recrutement (tromperie, contrainte ou abus de vulnérabilité lors du recrutement ou, pour un enfant, recrutement ou déplacement)
screen-group-exploitation = un élément d'exploitation (conditions de travail ou de vie abusives)
screen-group-coercion = un élément de contrainte (contrainte ou abus de vulnérabilité là où la personne est exploitée)

## The Palermo Protocol

screen-palermo = Les trois éléments de la traite (Protocole de Palerme)
screen-palermo-act = Acte (recrutement, transport, transfert, hébergement ou accueil de la personne)
screen-palermo-means = Moyens (menaces, force, tromperie, abus de vulnérabilité ou autre contrainte)
screen-palermo-purpose = But (exploitation)

## Dimensions

screen-dim-1 = Recrutement trompeur
screen-dim-1-help = A-t-on menti à la personne lors de son recrutement : sur l'emploi, le salaire, les conditions ou le voyage ?
screen-dim-2 = Recrutement sous la contrainte
screen-dim-2-help = A-t-on utilisé la force, des menaces ou des pressions pour recruter la personne ou la déplacer ?
screen-dim-3 = Recrutement par abus de vulnérabilité
screen-dim-3-help = Le recruteur a-t-il profité de la situation difficile de la personne, de ses besoins ou de son manque d'information ?
screen-dim-4 = Conditions de travail abusives
screen-dim-4-help = Quelles sont aujourd'hui les conditions de travail et de vie de la personne : horaires, salaire, sécurité et logement ?
screen-dim-5 = Contrainte sur le lieu de destination
screen-dim-5-help = Utilise-t-on la force, des menaces ou un contrôle pour forcer la personne à continuer de travailler ou l'empêcher de partir ?
screen-dim-6 = Abus de vulnérabilité sur le lieu de destination
screen-dim-6-help = La situation actuelle de la personne, là où elle se trouve, l'empêche-t-elle de partir ou de demander de l'aide ?

## 1. Deceptive recruitment

screen-q-deceived_nature_of_job = A-t-on dit à la personne qu'elle ferait un autre travail, dans un autre lieu ou pour un autre employeur que ceux qu'elle a trouvés ?
screen-i-deceived_nature_of_job = Tromperie sur l'emploi, le lieu ou l'employeur
screen-q-deceived_conditions_of_work = A-t-on trompé la personne sur les conditions de travail, par exemple les horaires, les jours de repos ou la façon dont elle serait traitée ?
screen-i-deceived_conditions_of_work = Tromperie sur les conditions de travail
screen-q-deceived_contract = A-t-on trompé la personne sur son contrat, par exemple sur son contenu ou sur sa légalité ?
screen-i-deceived_contract = Tromperie sur le contrat
screen-q-deceived_family_reunification = A-t-on promis à la personne qu'elle pourrait rejoindre sa famille ou la faire venir, sans que cela se réalise ?
screen-i-deceived_family_reunification = Tromperie sur le regroupement familial
screen-q-deceived_housing_and_living = A-t-on trompé la personne sur l'endroit où elle vivrait ou sur ses conditions de vie ?
screen-i-deceived_housing_and_living = Tromperie sur le logement et les conditions de vie
screen-q-deceived_documents_or_migration_status = A-t-on trompé la personne sur ses papiers, par exemple en lui promettant un visa ou un permis de travail, ou en lui disant que ses documents étaient en règle alors qu'ils ne l'étaient pas ?
screen-i-deceived_documents_or_migration_status = Tromperie sur les papiers ou le statut migratoire
screen-q-deceived_travel_and_recruitment = A-t-on trompé la personne sur le voyage ou le recrutement, par exemple sur le coût, l'itinéraire ou qui paierait ?
screen-i-deceived_travel_and_recruitment = Tromperie sur le voyage ou le recrutement
screen-q-deceived_wages = A-t-on promis à la personne un salaire plus élevé que celui qu'elle reçoit, ou un autre mode de paiement ?
screen-i-deceived_wages = Tromperie sur le salaire ou les revenus
screen-q-deceived_marriage_or_adoption = La personne a-t-elle été attirée par une fausse promesse de mariage, de relation amoureuse ou d'adoption ?
screen-i-deceived_marriage_or_adoption = Fausse promesse de mariage ou d'adoption
screen-q-deceived_education = A-t-on promis à la personne une scolarité, des études ou une formation qui n'ont pas eu lieu ?
screen-i-deceived_education = Tromperie sur l'éducation ou la formation

## 2. Coercive recruitment

screen-q-recruitment_violence = Lors du recrutement ou du déplacement de la personne, a-t-on usé de violence contre elle (par exemple des coups ou des violences sexuelles) ?
screen-i-recruitment_violence = Violences lors du recrutement
screen-q-abduction_forced_marriage_adoption_or_selling = La personne a-t-elle été enlevée, mariée de force, donnée en adoption contre sa volonté, ou vendue ou échangée contre de l'argent ou des biens ?
screen-i-abduction_forced_marriage_adoption_or_selling = Enlèvement, mariage ou adoption forcés, ou vente
screen-q-recruitment_confiscation_of_documents = Lors du recrutement ou du voyage, quelqu'un a-t-il pris et gardé le passeport ou les papiers d'identité de la personne ?
screen-i-recruitment_confiscation_of_documents = Papiers confisqués lors du recrutement
screen-q-recruitment_debt_bondage = Lors du recrutement, a-t-on imposé à la personne une dette (par exemple pour le voyage, des frais ou des papiers) qui a servi à la faire partir ou à la faire obéir ?
screen-i-recruitment_debt_bondage = Servitude pour dettes lors du recrutement
screen-q-recruitment_isolation_or_surveillance = Lors du recrutement ou du voyage, la personne a-t-elle été enfermée, coupée des autres ou surveillée en permanence ?
screen-i-recruitment_isolation_or_surveillance = Isolement, enfermement ou surveillance lors du recrutement
screen-q-recruitment_threat_of_denunciation = Lors du recrutement ou du voyage, a-t-on menacé la personne de la dénoncer à la police ou aux services d'immigration ?
screen-i-recruitment_threat_of_denunciation = Menace de dénonciation lors du recrutement
screen-q-recruitment_threat_to_inform_family = Lors du recrutement ou du voyage, a-t-on menacé la personne de raconter quelque chose à sa famille, à sa communauté ou à d'autres pour lui faire honte ?
screen-i-recruitment_threat_to_inform_family = Menace d'informer la famille ou la communauté lors du recrutement
screen-q-recruitment_threats_of_violence = Lors du recrutement ou du voyage, a-t-on menacé la personne de violences ?
screen-i-recruitment_threats_of_violence = Menaces de violence lors du recrutement
screen-q-recruitment_violence_on_family = Lors du recrutement ou du voyage, a-t-on menacé ou maltraité la famille de la personne pour la faire partir ou obéir ?
screen-i-recruitment_violence_on_family = Famille menacée ou maltraitée lors du recrutement
screen-q-recruitment_withholding_of_money = Lors du recrutement ou du voyage, quelqu'un a-t-il gardé l'argent de la personne ou l'a-t-il empêchée d'en avoir ?
screen-i-recruitment_withholding_of_money = Argent retenu lors du recrutement

## 3. Recruitment by abuse of vulnerability

screen-q-abuse_difficult_family_situation = Le recruteur a-t-il profité d'une situation familiale difficile, par exemple des violences à la maison, une crise familiale ou l'absence de quelqu'un pour s'occuper de la personne ?
screen-i-abuse_difficult_family_situation = Abus d'une situation familiale difficile
screen-q-abuse_illegal_status = Le recruteur a-t-il profité du fait que la personne n'avait pas le droit de séjourner ou de travailler dans le pays ?
screen-i-abuse_illegal_status = Abus d'une situation migratoire irrégulière
screen-q-abuse_lack_of_education = Le recruteur a-t-il profité du fait que la personne lisait ou écrivait mal, ou ne parlait pas la langue du lieu ?
screen-i-abuse_lack_of_education = Abus du manque d'instruction ou de la méconnaissance de la langue
screen-q-abuse_lack_of_information = Le recruteur a-t-il profité du fait que la personne ne connaissait pas ses droits, le lieu ou la façon dont les choses s'y passent ?
screen-i-abuse_lack_of_information = Abus du manque d'information
screen-q-control_of_exploiters = La personne était-elle déjà sous le contrôle du recruteur, par exemple un parent, un partenaire ou quelqu'un dont elle dépendait ?
screen-i-control_of_exploiters = Sous le contrôle des recruteurs
screen-q-economic_reasons = Lors du recrutement, la personne avait-elle un grand besoin d'argent (par exemple pauvreté, dettes ou absence de travail), et le recruteur pouvait-il en profiter ?
screen-i-economic_reasons = Besoin économique lors du recrutement
screen-q-false_information_about_law = A-t-on donné à la personne de fausses informations sur la loi, ou sur la façon dont la police ou d'autres autorités la traiteraient ?
screen-i-false_information_about_law = Fausses informations sur la loi ou les autorités
screen-q-false_information_about_migration = A-t-on raconté à la personne de fausses histoires de réussite ailleurs, par exemple que d'autres personnes parties étaient devenues riches ?
screen-i-false_information_about_migration = Faux récits de migration réussie
screen-q-family_situation = Lors du recrutement, la personne subissait-elle la pression des besoins de sa famille, par exemple des proches à sa charge ou de l'argent à envoyer ?
screen-i-family_situation = Pression ou charges familiales
screen-q-personal_situation = Lors du recrutement, la personne était-elle dans une situation personnelle vulnérable, par exemple une maladie, un handicap, une grossesse, une dépendance ou l'isolement ?
screen-i-personal_situation = Situation personnelle vulnérable
screen-q-psychological_dependency = La personne dépendait-elle affectivement du recruteur, par exemple un partenaire, un petit ami ou une petite amie, ou un proche de confiance ?
screen-i-psychological_dependency = Dépendance affective ou psychologique
screen-q-relationship_with_authorities = Lors du recrutement, la personne avait-elle peur des autorités, ou était-elle sans papiers ou sans statut légal clair ?
screen-i-relationship_with_authorities = Peur des autorités ou statut légal incertain
screen-q-abuse_cultural_or_religious_beliefs = Le recruteur a-t-il utilisé les croyances culturelles ou religieuses de la personne pour faire pression sur elle, par exemple un serment, un rituel ou une malédiction ?
screen-i-abuse_cultural_or_religious_beliefs = Abus des croyances culturelles ou religieuses
screen-q-general_context = La personne vient-elle d'un endroit touché par un conflit, une catastrophe, une crise économique ou une forte discrimination ?
screen-i-general_context = Contexte général difficile (conflit, crise)
screen-q-difficulties_in_the_past = La personne a-t-elle déjà vécu des expériences difficiles, par exemple des violences, des abus ou la vie à la rue ?
screen-i-difficulties_in_the_past = Expériences difficiles par le passé
screen-q-difficulty_organising_travel = La personne aurait-elle été incapable de voyager seule, par exemple sans argent, sans papiers ou sans connaître le trajet ?
screen-i-difficulty_organising_travel = Impossibilité d'organiser le voyage sans aide

## 4. Exploitative conditions of work

screen-q-excessive_working_hours = La personne travaille-t-elle de très longues heures ou journées, avec peu ou pas de repos et sans jour de congé ?
screen-i-excessive_working_hours = Journées ou horaires de travail excessifs
screen-q-bad_living_conditions = La personne vit-elle dans de très mauvaises conditions, par exemple un logement surpeuplé, dangereux ou insalubre, ou sans assez de nourriture ou d'eau ?
screen-i-bad_living_conditions = Mauvaises conditions de vie
screen-q-hazardous_work = Le travail est-il dangereux pour la santé ou la sécurité de la personne, par exemple de lourdes charges, du mercure ou d'autres produits chimiques, des puits profonds ou l'absence d'équipement de protection ?
screen-i-hazardous_work = Travail dangereux
screen-q-low_or_no_salary = La personne est-elle très peu payée, ou pas payée du tout ?
screen-i-low_or_no_salary = Salaire faible ou inexistant
screen-q-no_respect_of_labour_laws = L'employeur ignore-t-il le droit du travail ou le contrat, par exemple en payant moins que le salaire minimum, en ne donnant pas de pauses ou en changeant les conditions convenues ?
screen-i-no_respect_of_labour_laws = Droit du travail ou contrat non respectés
screen-q-no_social_protection = La personne est-elle privée de protection sociale, par exemple sans soins de santé, sans congé maladie payé, sans assurance ni sécurité sociale ?
screen-i-no_social_protection = Absence de protection sociale
screen-q-very_bad_working_conditions = Les conditions de travail sont-elles très mauvaises, par exemple un traitement dégradant, pas de toilettes ni d'eau potable, ou des punitions au travail ?
screen-i-very_bad_working_conditions = Très mauvaises conditions de travail
screen-q-wage_manipulation = Le salaire de la personne est-il manipulé, par exemple par des retenues inexpliquées, des amendes, ou des frais de nourriture, d'outils ou de logement qui en absorbent la plus grande partie ?
screen-i-wage_manipulation = Manipulation du salaire
screen-q-no_access_to_education = Le travail empêche-t-il la personne d'aller à l'école ou de suivre une formation ?
screen-i-no_access_to_education = Pas d'accès à l'éducation

## 5. Coercion at destination

screen-q-confiscation_of_documents = Quelqu'un d'autre garde-t-il le passeport ou les papiers d'identité de la personne, de sorte qu'elle ne peut pas les récupérer quand elle le souhaite ?
screen-i-confiscation_of_documents = Confiscation des papiers
screen-q-debt_bondage = La personne a-t-elle envers l'employeur ou le recruteur une dette qu'elle ne peut pas rembourser, et qui l'oblige à continuer de travailler ?
screen-i-debt_bondage = Servitude pour dettes
screen-q-isolation_confinement_or_surveillance = La personne est-elle enfermée, empêchée de sortir ou de contacter d'autres personnes, ou surveillée en permanence ?
screen-i-isolation_confinement_or_surveillance = Isolement, enfermement ou surveillance
screen-q-violence_on_victim = La personne a-t-elle été frappée, blessée, victime de violences sexuelles ou maltraitée d'une autre façon par l'employeur ou par ceux qui la contrôlent ?
screen-i-violence_on_victim = Violences contre la personne
screen-q-forced_into_illicit_activities = Oblige-t-on la personne à commettre des délits ou des actes illégaux, par exemple transporter ou vendre de la drogue, ou voler ?
screen-i-forced_into_illicit_activities = Contrainte à des activités criminelles
screen-q-forced_tasks_or_clients = Oblige-t-on la personne à faire des travaux, des tâches ou des actes sexuels, ou à recevoir des clients, qu'elle refuse ou qu'elle n'a pas acceptés ?
screen-i-forced_tasks_or_clients = Tâches ou clients imposés
screen-q-forced_to_act_against_peers = Oblige-t-on la personne à contrôler, punir ou maltraiter d'autres travailleurs ou d'autres victimes ?
screen-i-forced_to_act_against_peers = Contrainte à agir contre d'autres personnes
screen-q-forced_to_lie = Dicte-t-on à la personne ce qu'elle doit dire, ou l'oblige-t-on à mentir, aux autorités, à sa famille ou à d'autres ?
screen-i-forced_to_lie = Contrainte à mentir aux autorités ou à la famille
screen-q-threat_of_denunciation = Menace-t-on la personne de la dénoncer à la police ou aux services d'immigration ?
screen-i-threat_of_denunciation = Menace de dénonciation aux autorités
screen-q-threat_of_worse_conditions = Menace-t-on la personne de conditions de travail ou d'un traitement encore pires si elle n'obéit pas ?
screen-i-threat_of_worse_conditions = Menace de conditions encore pires
screen-q-threats_of_violence = La personne est-elle menacée de coups ou d'autres violences ?
screen-i-threats_of_violence = Menaces de violence
screen-q-under_strong_influence = Ceux qui contrôlent la personne ont-ils une forte emprise sur elle, par exemple en la rendant dépendante à la drogue ou à l'alcool, ou au point qu'elle leur obéit sans discuter ?
screen-i-under_strong_influence = Sous la forte emprise des exploiteurs
screen-q-violence_on_family = La famille de la personne a-t-elle été menacée ou maltraitée pour que la personne obéisse ?
screen-i-violence_on_family = Famille menacée ou maltraitée
screen-q-withholding_of_wages = L'employeur ou quelqu'un d'autre garde-t-il le salaire de la personne, ou le retient-il pour plus tard ?
screen-i-withholding_of_wages = Retenue du salaire
screen-q-threat_to_inform_family = Menace-t-on la personne de raconter quelque chose à sa famille, à sa communauté ou à d'autres pour lui faire honte ?
screen-i-threat_to_inform_family = Menace d'informer la famille ou la communauté

## 6. Abuse of vulnerability at destination

screen-q-dependency_on_exploiters = La personne dépend-elle de l'employeur ou de ceux qui la contrôlent pour le logement, la nourriture, le travail, le transport ou les papiers ?
screen-i-dependency_on_exploiters = Dépendance envers les exploiteurs
screen-q-difficulty_living_in_unknown_area = Est-il difficile pour la personne de se débrouiller seule là où elle se trouve, par exemple dans un camp isolé, un pays nouveau pour elle ou un lieu dont elle ne parle pas la langue ?
screen-i-difficulty_living_in_unknown_area = Difficulté à vivre dans un lieu inconnu
screen-q-destination_economic_reasons = La personne a-t-elle le sentiment de ne pas pouvoir partir parce qu'elle ou sa famille ont besoin de cet argent ?
screen-i-destination_economic_reasons = Besoin économique qui retient la personne
screen-q-destination_family_situation = La situation familiale de la personne rend-elle son départ difficile, par exemple des proches qui dépendent de son argent ou qui la rejetteraient ?
screen-i-destination_family_situation = Situation familiale qui rend le départ difficile
screen-q-destination_relationship_with_authorities = La personne a-t-elle peur des autorités, ou est-elle sans papiers valides ou sans statut légal là où elle se trouve ?
screen-i-destination_relationship_with_authorities = Peur des autorités ou absence de statut légal
screen-q-destination_difficulties_in_the_past = Des expériences difficiles passées (par exemple des abus, des violences ou un traumatisme) rendent-elles plus difficile pour la personne de s'en sortir ou de demander de l'aide ?
screen-i-destination_difficulties_in_the_past = Difficultés passées qui freinent le départ
screen-q-personal_characteristics = La personne est-elle particulièrement vulnérable en raison de son âge, d'un handicap, d'une maladie, d'une grossesse ou d'une autre caractéristique personnelle ?
screen-i-personal_characteristics = Vulnérabilité liée à des caractéristiques personnelles
