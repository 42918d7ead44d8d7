# One way to write dates and times in English, on pages, e-mails and PDFs: day, month, year,
# 24-hour clock ("3 Dec 2026, 14:22"). Input formats stay Django's.
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
