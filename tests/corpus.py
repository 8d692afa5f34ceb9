"""A few paragraphs written for the tests: tokenizer training text and sample inputs."""

ENGLISH = [
    "The city council approved a new budget on Tuesday after a long debate about public transport.",
    "Officials said the plan would add three bus lines and repair two bridges before the winter.",
    "Local businesses welcomed the decision, but some residents worried about higher taxes next year.",
    "The mayor promised to publish every contract online so that citizens can follow the spending.",
    "Heavy rain flooded several streets in the north of the country, and schools were closed for two days.",
    "Farmers reported damage to crops, while the weather service warned of more storms this weekend.",
    "A team of scientists announced a discovery about ancient trees found in a mountain valley.",
    "The researchers measured the age of the wood and found that some trunks were four thousand years old.",
    "The national football team won its match in the final minutes, to the joy of thousands of fans.",
    "Prices of bread and milk rose again this month, according to figures from the statistics office.",
]
SPANISH = [
    "El ayuntamiento aprobó un nuevo presupuesto el martes tras un largo debate sobre el transporte público.",
    "Los responsables dijeron que el plan añadirá tres líneas de autobús y reparará dos puentes antes del invierno.",
    "Los comercios locales celebraron la decisión, pero algunos vecinos temen impuestos más altos el próximo año.",
    "La alcaldesa prometió publicar todos los contratos en internet para que los ciudadanos sigan el gasto.",
    "Las fuertes lluvias inundaron varias calles del norte del país y las escuelas cerraron durante dos días.",
    "Los agricultores informaron de daños en los cultivos, mientras el servicio meteorológico avisó de más tormentas.",
    "Un equipo de científicos anunció un descubrimiento sobre árboles antiguos hallados en un valle de montaña.",
    "Los investigadores midieron la edad de la madera y vieron que algunos troncos tenían cuatro mil años.",
    "La selección nacional ganó su partido en los últimos minutos, para alegría de miles de aficionados.",
    "Los precios del pan y la leche volvieron a subir este mes, según las cifras de la oficina de estadística.",
]
