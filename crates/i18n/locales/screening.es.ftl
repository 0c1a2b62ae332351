### Haven — la entrevista de evaluación inicial, en español: los indicadores operativos de la trata
### de personas de la OIT y la Comisión Europea (2009), como preguntas y etiquetas, con sus
### dimensiones, perfiles y resultados.
### screen-q-ID: la pregunta que el evaluador hace (o se hace) sobre la persona;
### screen-i-ID: la etiqueta corta del indicador en los resultados. ID es un identificador de
### indicador de crates/domain/data/ilo-indicators.toml (una prueba comprueba que cada uno tenga ambas).
### Cada clave de screening.en.ftl debe existir aquí, y solo esas (una prueba lo comprueba).

## Answers and notes

screen-answer-present = Sí
screen-answer-absent = No
screen-answer-unknown = No sé
screen-evidence = ¿Qué vio u oyó? (sin nombres)
screen-disclaimer = Una evaluación inicial no es una decisión jurídica: solo la autoridad competente identifica a una víctima de trata. Registra los indicadores y el siguiente paso.

## Profiles

screen-profile-adult_labour = Persona adulta, explotación laboral
screen-profile-adult_sexual = Persona adulta, explotación sexual
screen-profile-child_labour = Niño, niña o adolescente, explotación laboral
screen-profile-child_sexual = Niño, niña o adolescente, explotación sexual

## Outcomes

screen-outcome-no_indicators = Ningún indicador de trata
screen-outcome-no_indicators-help = No se encontraron indicadores de trata ni de explotación. No hace falta ninguna otra medida en el marco del mecanismo nacional de derivación; registre la evaluación.
screen-outcome-exploitation_only = Explotación sin indicadores de trata
screen-outcome-exploitation_only-help = Hay señales de explotación, pero no suficientes indicadores de trata. Derive a la persona a la inspección del trabajo o al servicio que corresponda, y permanezca alerta ante cualquier señal de trata.
screen-outcome-possible_victim = Presunta víctima: derivar para evaluación
screen-outcome-possible_victim-help = Hay indicadores serios de trata, pero todavía no para cada uno de los elementos. Derive a la persona para una evaluación completa.
screen-outcome-indicators_met = Se cumplen los indicadores de trata
screen-outcome-indicators_met-help = Los indicadores muestran todos los elementos de la trata. Derive ahora al coordinador nacional; si la persona está en peligro, haga una derivación urgente de seguridad.

## What a stronger conclusion would need

screen-group-recruitment = un elemento de captación (engaño, coacción o abuso de vulnerabilidad al ser captada o, para un niño, niña o adolescente, captación o traslado)
screen-group-exploitation = un elemento de explotación (condiciones de trabajo o de vida abusivas)
screen-group-coercion = un elemento de coacción (coacción o abuso de vulnerabilidad donde la persona es explotada)

## The Palermo Protocol

screen-palermo = Los tres elementos de la trata (Protocolo de Palermo)
screen-palermo-act = Acción (captación, transporte, traslado, acogida o recepción de la persona)
screen-palermo-means = Medios (amenazas, fuerza, engaño, abuso de vulnerabilidad u otra forma de coacción)
screen-palermo-purpose = Fin (explotación)

## Dimensions

screen-dim-1 = Captación engañosa
screen-dim-1-help = ¿Se engañó a la persona al captarla: sobre el trabajo, el pago, las condiciones o el viaje?
screen-dim-2 = Captación coercitiva
screen-dim-2-help = ¿Se usó la fuerza, amenazas o presiones para captar a la persona o trasladarla?
screen-dim-3 = Captación mediante abuso de vulnerabilidad
screen-dim-3-help = ¿Quien captó a la persona se aprovechó de su situación difícil, de sus necesidades o de su falta de información?
screen-dim-4 = Condiciones de trabajo abusivas
screen-dim-4-help = ¿Cómo son hoy las condiciones de trabajo y de vida de la persona: horario, pago, seguridad y vivienda?
screen-dim-5 = Coacción en el lugar de destino
screen-dim-5-help = ¿Se usa la fuerza, amenazas o control para obligar a la persona a seguir trabajando o impedir que se vaya?
screen-dim-6 = Abuso de vulnerabilidad en el lugar de destino
screen-dim-6-help = ¿La situación actual de la persona, allí donde está, le dificulta irse o pedir ayuda?

## 1. Deceptive recruitment

screen-q-deceived_nature_of_job = ¿Se le dijo a la persona que haría otro trabajo, en otro lugar o para otro empleador distintos de los que encontró?
screen-i-deceived_nature_of_job = Engaño sobre el trabajo, el lugar o el empleador
screen-q-deceived_conditions_of_work = ¿Se engañó a la persona sobre las condiciones de trabajo, por ejemplo el horario, los días de descanso o el trato que recibiría?
screen-i-deceived_conditions_of_work = Engaño sobre las condiciones de trabajo
screen-q-deceived_contract = ¿Se engañó a la persona sobre su contrato, por ejemplo sobre lo que decía o sobre si era legal?
screen-i-deceived_contract = Engaño sobre el contrato
screen-q-deceived_family_reunification = ¿Se le prometió a la persona que podría reunirse con su familia o traerla, y no ocurrió?
screen-i-deceived_family_reunification = Engaño sobre la reunificación familiar
screen-q-deceived_housing_and_living = ¿Se engañó a la persona sobre dónde viviría o sobre sus condiciones de vida?
screen-i-deceived_housing_and_living = Engaño sobre la vivienda y las condiciones de vida
screen-q-deceived_documents_or_migration_status = ¿Se engañó a la persona sobre sus documentos, por ejemplo prometiéndole una visa o un permiso de trabajo, o diciéndole que sus papeles eran legales cuando no lo eran?
screen-i-deceived_documents_or_migration_status = Engaño sobre los documentos o la situación migratoria
screen-q-deceived_travel_and_recruitment = ¿Se engañó a la persona sobre el viaje o la captación, por ejemplo sobre el costo, la ruta o quién pagaría?
screen-i-deceived_travel_and_recruitment = Engaño sobre el viaje o la captación
screen-q-deceived_wages = ¿Se le prometió a la persona un pago mayor del que recibe, o una forma de pago diferente?
screen-i-deceived_wages = Engaño sobre el salario o los ingresos
screen-q-deceived_marriage_or_adoption = ¿Se atrajo a la persona con una falsa promesa de matrimonio, de relación de pareja o de adopción?
screen-i-deceived_marriage_or_adoption = Falsa promesa de matrimonio o de adopción
screen-q-deceived_education = ¿Se le prometió a la persona escuela, estudios o formación que nunca recibió?
screen-i-deceived_education = Engaño sobre la educación o la formación

## 2. Coercive recruitment

screen-q-recruitment_violence = Cuando la persona fue captada o trasladada, ¿se usó violencia contra ella (por ejemplo golpes o violencia sexual)?
screen-i-recruitment_violence = Violencia durante la captación
screen-q-abduction_forced_marriage_adoption_or_selling = ¿La persona fue raptada, obligada a casarse, dada en adopción contra su voluntad, o vendida o cambiada por dinero o bienes?
screen-i-abduction_forced_marriage_adoption_or_selling = Rapto, matrimonio o adopción forzados, o venta
screen-q-recruitment_confiscation_of_documents = Durante la captación o el viaje, ¿alguien le quitó a la persona su pasaporte o sus documentos de identidad y se quedó con ellos?
screen-i-recruitment_confiscation_of_documents = Documentos retenidos durante la captación
screen-q-recruitment_debt_bondage = Durante la captación, ¿se le impuso a la persona una deuda (por ejemplo por el viaje, comisiones o documentos) que se usó para hacerla ir u obedecer?
screen-i-recruitment_debt_bondage = Servidumbre por deudas durante la captación
screen-q-recruitment_isolation_or_surveillance = Durante la captación o el viaje, ¿la persona estuvo encerrada, aislada de los demás o vigilada todo el tiempo?
screen-i-recruitment_isolation_or_surveillance = Aislamiento, encierro o vigilancia durante la captación
screen-q-recruitment_threat_of_denunciation = Durante la captación o el viaje, ¿se amenazó a la persona con denunciarla a la policía o a migración?
screen-i-recruitment_threat_of_denunciation = Amenaza de denuncia durante la captación
screen-q-recruitment_threat_to_inform_family = Durante la captación o el viaje, ¿se amenazó a la persona con contar algo a su familia, a su comunidad o a otras personas para avergonzarla?
screen-i-recruitment_threat_to_inform_family = Amenaza de informar a la familia o la comunidad durante la captación
screen-q-recruitment_threats_of_violence = Durante la captación o el viaje, ¿se amenazó a la persona con violencia?
screen-i-recruitment_threats_of_violence = Amenazas de violencia durante la captación
screen-q-recruitment_violence_on_family = Durante la captación o el viaje, ¿se amenazó o se hizo daño a la familia de la persona para que ella se fuera u obedeciera?
screen-i-recruitment_violence_on_family = Familia amenazada o agredida durante la captación
screen-q-recruitment_withholding_of_money = Durante la captación o el viaje, ¿alguien se quedó con el dinero de la persona o le impidió tener dinero?
screen-i-recruitment_withholding_of_money = Dinero retenido durante la captación

## 3. Recruitment by abuse of vulnerability

screen-q-abuse_difficult_family_situation = ¿Quien captó a la persona se aprovechó de una situación familiar difícil, por ejemplo violencia en el hogar, una crisis familiar o no tener a nadie que la cuidara?
screen-i-abuse_difficult_family_situation = Abuso de una situación familiar difícil
screen-q-abuse_illegal_status = ¿Quien captó a la persona se aprovechó de que no tenía derecho a permanecer o a trabajar en el país?
screen-i-abuse_illegal_status = Abuso de una situación migratoria irregular
screen-q-abuse_lack_of_education = ¿Quien captó a la persona se aprovechó de que leía o escribía con dificultad, o de que no hablaba el idioma del lugar?
screen-i-abuse_lack_of_education = Abuso de la falta de educación o del idioma
screen-q-abuse_lack_of_information = ¿Quien captó a la persona se aprovechó de que no conocía sus derechos, el lugar o cómo funcionan allí las cosas?
screen-i-abuse_lack_of_information = Abuso de la falta de información
screen-q-control_of_exploiters = ¿La persona ya estaba bajo el control de quien la captó, por ejemplo un familiar, su pareja o alguien de quien dependía?
screen-i-control_of_exploiters = Bajo el control de los captadores
screen-q-economic_reasons = Al ser captada, ¿la persona necesitaba mucho dinero (por ejemplo por pobreza, deudas o falta de trabajo), y podía aprovecharse de ello quien la captó?
screen-i-economic_reasons = Necesidad económica al ser captada
screen-q-false_information_about_law = ¿Se le dio a la persona información falsa sobre la ley, o sobre cómo la trataría la policía u otras autoridades?
screen-i-false_information_about_law = Información falsa sobre la ley o las autoridades
screen-q-false_information_about_migration = ¿Se le contaron a la persona falsas historias de éxito en otro lugar, por ejemplo que otras personas que se fueron se habían hecho ricas?
screen-i-false_information_about_migration = Falsas historias de migración exitosa
screen-q-family_situation = Al ser captada, ¿la persona estaba presionada por las necesidades de su familia, por ejemplo familiares a su cargo o dinero que enviar a casa?
screen-i-family_situation = Presión o cargas familiares
screen-q-personal_situation = Al ser captada, ¿la persona estaba en una situación personal vulnerable, por ejemplo una enfermedad, una discapacidad, un embarazo, una adicción o la soledad?
screen-i-personal_situation = Situación personal vulnerable
screen-q-psychological_dependency = ¿La persona dependía afectivamente de quien la captó, por ejemplo su pareja, un novio o una novia, o un familiar de confianza?
screen-i-psychological_dependency = Dependencia afectiva o psicológica
screen-q-relationship_with_authorities = Al ser captada, ¿la persona tenía miedo de las autoridades, o no tenía documentos o una situación legal clara?
screen-i-relationship_with_authorities = Miedo a las autoridades o situación legal incierta
screen-q-abuse_cultural_or_religious_beliefs = ¿Quien captó a la persona usó sus creencias culturales o religiosas para presionarla, por ejemplo un juramento, un ritual o una maldición?
screen-i-abuse_cultural_or_religious_beliefs = Abuso de creencias culturales o religiosas
screen-q-general_context = ¿La persona viene de un lugar afectado por un conflicto, un desastre, una crisis económica o una fuerte discriminación?
screen-i-general_context = Contexto general difícil (conflicto, crisis)
screen-q-difficulties_in_the_past = ¿La persona ha vivido antes experiencias difíciles, por ejemplo violencia, abusos o vivir en la calle?
screen-i-difficulties_in_the_past = Experiencias difíciles en el pasado
screen-q-difficulty_organising_travel = ¿La persona no habría podido viajar por su cuenta, por ejemplo por no tener dinero, documentos o conocimiento de la ruta?
screen-i-difficulty_organising_travel = No podía organizar el viaje sin ayuda

## 4. Exploitative conditions of work

screen-q-excessive_working_hours = ¿La persona trabaja jornadas o días muy largos, con poco o ningún descanso y sin días libres?
screen-i-excessive_working_hours = Jornadas o días de trabajo excesivos
screen-q-bad_living_conditions = ¿La persona vive en muy malas condiciones, por ejemplo en una vivienda hacinada, insegura o insalubre, o sin suficiente comida o agua?
screen-i-bad_living_conditions = Malas condiciones de vida
screen-q-hazardous_work = ¿El trabajo es peligroso para la salud o la seguridad de la persona, por ejemplo cargas pesadas, mercurio u otros químicos, pozos profundos o falta de equipo de protección?
screen-i-hazardous_work = Trabajo peligroso
screen-q-low_or_no_salary = ¿A la persona se le paga muy poco, o nada?
screen-i-low_or_no_salary = Salario bajo o inexistente
screen-q-no_respect_of_labour_laws = ¿El empleador incumple la legislación laboral o el contrato, por ejemplo pagando menos del salario mínimo, sin dar pausas o cambiando las condiciones acordadas?
screen-i-no_respect_of_labour_laws = Incumplimiento de la legislación laboral o del contrato
screen-q-no_social_protection = ¿La persona carece de protección social, por ejemplo de atención médica, licencia por enfermedad pagada, seguro o seguridad social?
screen-i-no_social_protection = Sin protección social
screen-q-very_bad_working_conditions = ¿Las condiciones de trabajo son muy malas, por ejemplo trato degradante, falta de baños o de agua potable, o castigos en el trabajo?
screen-i-very_bad_working_conditions = Condiciones de trabajo muy malas
screen-q-wage_manipulation = ¿Se manipula el pago de la persona, por ejemplo con descuentos sin explicación, multas o cobros por comida, herramientas o vivienda que se llevan la mayor parte?
screen-i-wage_manipulation = Manipulación del salario
screen-q-no_access_to_education = ¿El trabajo le impide a la persona ir a la escuela o recibir formación?
screen-i-no_access_to_education = Sin acceso a la educación

## 5. Coercion at destination

screen-q-confiscation_of_documents = ¿Otra persona guarda el pasaporte o los documentos de identidad de la persona, de modo que ella no puede recuperarlos cuando quiere?
screen-i-confiscation_of_documents = Documentos retenidos
screen-q-debt_bondage = ¿La persona tiene con el empleador o con quien la captó una deuda que no puede pagar, y por la que debe seguir trabajando?
screen-i-debt_bondage = Servidumbre por deudas
screen-q-isolation_confinement_or_surveillance = ¿La persona está encerrada, se le impide salir o comunicarse con otras personas, o se la vigila todo el tiempo?
screen-i-isolation_confinement_or_surveillance = Aislamiento, encierro o vigilancia
screen-q-violence_on_victim = ¿La persona ha sido golpeada, herida, agredida sexualmente o maltratada de otra forma por el empleador o por quienes la controlan?
screen-i-violence_on_victim = Violencia contra la persona
screen-q-forced_into_illicit_activities = ¿Se obliga a la persona a cometer delitos o actos ilegales, por ejemplo transportar o vender drogas, o robar?
screen-i-forced_into_illicit_activities = Coacción para cometer delitos
screen-q-forced_tasks_or_clients = ¿Se obliga a la persona a hacer trabajos, tareas o actos sexuales, o a atender clientes, que rechaza o que no aceptó?
screen-i-forced_tasks_or_clients = Tareas o clientes impuestos
screen-q-forced_to_act_against_peers = ¿Se obliga a la persona a controlar, castigar o dañar a otros trabajadores o a otras víctimas?
screen-i-forced_to_act_against_peers = Coacción para actuar contra otras personas
screen-q-forced_to_lie = ¿Se le dice a la persona lo que debe decir, o se la obliga a mentir, a las autoridades, a su familia o a otras personas?
screen-i-forced_to_lie = Coacción para mentir a las autoridades o a la familia
screen-q-threat_of_denunciation = ¿Se amenaza a la persona con denunciarla a la policía o a migración?
screen-i-threat_of_denunciation = Amenaza de denuncia ante las autoridades
screen-q-threat_of_worse_conditions = ¿Se amenaza a la persona con un trabajo o un trato aún peores si no obedece?
screen-i-threat_of_worse_conditions = Amenaza de condiciones aún peores
screen-q-threats_of_violence = ¿Se amenaza a la persona con golpes u otro tipo de violencia?
screen-i-threats_of_violence = Amenazas de violencia
screen-q-under_strong_influence = ¿Quienes controlan a la persona tienen una fuerte influencia sobre ella, por ejemplo porque la han hecho dependiente de drogas o alcohol, o porque les obedece sin cuestionar?
screen-i-under_strong_influence = Bajo fuerte influencia de los explotadores
screen-q-violence_on_family = ¿Se ha amenazado o hecho daño a la familia de la persona para que ella obedezca?
screen-i-violence_on_family = Familia amenazada o agredida
screen-q-withholding_of_wages = ¿El empleador u otra persona se queda con el pago de la persona, o lo retiene para más adelante?
screen-i-withholding_of_wages = Retención del salario
screen-q-threat_to_inform_family = ¿Se amenaza a la persona con contar algo a su familia, a su comunidad o a otras personas para avergonzarla?
screen-i-threat_to_inform_family = Amenaza de informar a la familia o la comunidad

## 6. Abuse of vulnerability at destination

screen-q-dependency_on_exploiters = ¿La persona depende del empleador o de quienes la controlan para la vivienda, la comida, el trabajo, el transporte o los documentos?
screen-i-dependency_on_exploiters = Dependencia de los explotadores
screen-q-difficulty_living_in_unknown_area = ¿Le resulta difícil a la persona arreglárselas sola donde está ahora, por ejemplo en un campamento aislado, en un país nuevo para ella o en un lugar donde no habla el idioma?
screen-i-difficulty_living_in_unknown_area = Dificultad para vivir en un lugar desconocido
screen-q-destination_economic_reasons = ¿La persona siente que no puede irse porque ella o su familia necesitan ese dinero?
screen-i-destination_economic_reasons = Necesidad económica que la retiene
screen-q-destination_family_situation = ¿La situación familiar de la persona le dificulta irse, por ejemplo familiares que dependen de su dinero o que la rechazarían?
screen-i-destination_family_situation = Situación familiar que dificulta irse
screen-q-destination_relationship_with_authorities = ¿La persona tiene miedo de las autoridades, o no tiene documentos válidos ni situación legal donde está ahora?
screen-i-destination_relationship_with_authorities = Miedo a las autoridades o sin situación legal
screen-q-destination_difficulties_in_the_past = ¿Experiencias difíciles del pasado (por ejemplo abusos, violencia o un trauma) le hacen más difícil a la persona salir de la situación o pedir ayuda?
screen-i-destination_difficulties_in_the_past = Dificultades pasadas que dificultan irse
screen-q-personal_characteristics = ¿La persona es especialmente vulnerable por su edad, una discapacidad, una enfermedad, un embarazo u otra característica personal?
screen-i-personal_characteristics = Características personales que la hacen vulnerable
