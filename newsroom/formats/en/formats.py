# The newsroom's date formats (FORMAT_MODULE_PATH): readers get the long forms, the desk the short
# ones. Times are 24-hour and name their zone, because editors and readers may be in others.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i T"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i T"
TIME_FORMAT = "H:i"
