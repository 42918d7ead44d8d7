# Une seule façon d'écrire dates et heures en français : « 3 déc. 2026, 14:22 ». Les mois
# abrégés sont ceux de N (« juin », « juil. »), jamais ceux de M (« Jui » pour les deux).
DATE_FORMAT = "j N Y"
DATETIME_FORMAT = "j N Y, H:i"
SHORT_DATE_FORMAT = "j N Y"
SHORT_DATETIME_FORMAT = "j N Y, H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
