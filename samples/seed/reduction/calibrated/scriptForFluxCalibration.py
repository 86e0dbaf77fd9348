import re
"""
Early Science Manual QA2 generated fluxcal script
"""

#if re.search('^4.2.2', casadef.casa_version) == None:
# sys.exit('ERROR: PLEASE USE THE SAME VERSION OF CASA THAT YOU USED FOR GENERATING THE SCRIPT: 4.2.2')


print "# Flux calibration of the data."

#                                       "J1751+0939"     0     216.28      2.22776      2.26194       2014-07-20T01:38:27     uid___A002_Xdd9c61_X66d.ms.split.cal
#                                       "J1751+0939"     0     216.28      2.29612      2.26194       2014-08-03T01:01:48     uid___A002_X4sda4d_Xa12.ms.split.cal
#                                       "J1751+0939"     1     217.23      2.22678      2.26032       2014-07-20T01:38:27     uid___A002_Xdd9c61_X66d.ms.split.cal
#                                       "J1751+0939"     1     217.23      2.29387      2.26032       2014-08-03T01:01:48     uid___A002_X4sda4d_Xa12.ms.split.cal
#                                       "J1751+0939"     2     219.95      2.20780      2.23916       2014-07-20T01:38:27     uid___A002_Xdd9c61_X66d.ms.split.cal
#                                       "J1751+0939"     2     219.95      2.27053      2.23916       2014-08-03T01:01:48     uid___A002_X4sda4d_Xa12.ms.split.cal
#                                       "J1751+0939"     3     218.30      2.22428      2.26041       2014-07-20T01:38:27     uid___A002_Xdd9c61_X66d.ms.split.cal
#                                       "J1751+0939"     3     218.30      2.29654      2.26041       2014-08-03T01:01:48     uid___A002_X4sda4d_Xa12.ms.split.cal
#                                       "J1751+0939"     4     218.85      2.21322      2.24695       2014-07-20T01:38:27     uid___A002_Xdd9c61_X66d.ms.split.cal
#                                       "J1751+0939"     4     218.85      2.28069      2.24695       2014-08-03T01:01:48     uid___A002_X4sda4d_Xa12.ms.split.cal
#                                       "J1751+0939"     5     230.50      2.15640      2.19089       2014-07-20T01:38:27     uid___A002_Xdd9c61_X66d.ms.split.cal
#                                       "J1751+0939"     5     230.50      2.22538      2.19089       2014-08-03T01:01:48     uid___A002_X4sda4d_Xa12.ms.split.cal
#                                       "J1751+0939"     6     231.46      2.15594      2.18714       2014-07-20T01:38:27     uid___A002_Xdd9c61_X66d.ms.split.cal
#                                       "J1751+0939"     6     231.46      2.21834      2.18714       2014-08-03T01:01:48     uid___A002_X4sda4d_Xa12.ms.split.cal
#                                       "J1751+0939"     7     232.45      2.14831      2.18361       2014-07-20T01:38:27     uid___A002_Xdd9c61_X66d.ms.split.cal
#                                       "J1751+0939"     7     232.45      2.21892      2.18361       2014-08-03T01:01:48     uid___A002_X4sda4d_Xa12.ms.split.cal
#                                       "J1851+0035"     0     216.28      0.30195      0.29689       2014-07-20T01:38:27     uid___A002_Xdd9c61_X66d.ms.split.cal
#                                       "J1851+0035"     0     216.28      0.29184      0.29689       2014-08-03T01:01:48     uid___A002_X4sda4d_Xa12.ms.split.cal
#                                       "J1851+0035"     1     217.23      0.30009      0.29553       2014-07-20T01:38:27     uid___A002_Xdd9c61_X66d.ms.split.cal
#                                       "J1851+0035"     1     217.23      0.29097      0.29553       2014-08-03T01:01:48     uid___A002_X4sda4d_Xa12.ms.split.cal
#                                       "J1851+0035"     2     219.95      0.27697      0.27236       2014-07-20T01:38:27     uid___A002_Xdd9c61_X66d.ms.split.cal
#                                       "J1851+0035"     2     219.95      0.26776      0.27236       2014-08-03T01:01:48     uid___A002_X4sda4d_Xa12.ms.split.cal
#                                       "J1851+0035"     3     218.30      0.29802      0.29299       2014-07-20T01:38:27     uid___A002_Xdd9c61_X66d.ms.split.cal
#                                       "J1851+0035"     3     218.30      0.28795      0.29299       2014-08-03T01:01:48     uid___A002_X4sda4d_Xa12.ms.split.cal
#                                       "J1851+0035"     4     218.85      0.30102      0.29555       2014-07-20T01:38:27     uid___A002_Xdd9c61_X66d.ms.split.cal
#                                       "J1851+0035"     4     218.85      0.29008      0.29555       2014-08-03T01:01:48     uid___A002_X4sda4d_Xa12.ms.split.cal
#                                       "J1851+0035"     5     230.50      0.28001      0.27431       2014-07-20T01:38:27     uid___A002_Xdd9c61_X66d.ms.split.cal
#                                       "J1851+0035"     5     230.50      0.26861      0.27431       2014-08-03T01:01:48     uid___A002_X4sda4d_Xa12.ms.split.cal
#                                       "J1851+0035"     6     231.46      0.27361      0.26873       2014-07-20T01:38:27     uid___A002_Xdd9c61_X66d.ms.split.cal
#                                       "J1851+0035"     6     231.46      0.26385      0.26873       2014-08-03T01:01:48     uid___A002_X4sda4d_Xa12.ms.split.cal
#                                       "J1851+0035"     7     232.45      0.26856      0.26354       2014-07-20T01:38:27     uid___A002_Xdd9c61_X66d.ms.split.cal
#                                       "J1851+0035"     7     232.45      0.25852      0.26354       2014-08-03T01:01:48     uid___A002_X4sda4d_Xa12.ms.split.cal

print "vis={vis}, field={field}".format(vis = 'uid___A002_Xdd9c61_X66d.ms.split.cal',
  field = 'J1851+0035',)


setjy(vis = 'uid___A002_Xdd9c61_X66d.ms.split.cal',
  field = 'J1851+0035',
  spw = '0',
  standard = 'manual',
  fluxdensity = [0.29689, 0, 0, 0])

print "vis={vis}, field={field}".format(vis = 'uid___A002_X4sda4d_Xa12.ms.split.cal',
  field = 'J1851+0035',)


setjy(vis = 'uid___A002_X4sda4d_Xa12.ms.split.cal',
  field = 'J1851+0035',
  spw = '0',
  standard = 'manual',
  fluxdensity = [0.29689, 0, 0, 0])

print "vis={vis}, field={field}".format(vis = 'uid___A002_Xdd9c61_X66d.ms.split.cal',
  field = 'J1851+0035',)


setjy(vis = 'uid___A002_Xdd9c61_X66d.ms.split.cal',
  field = 'J1851+0035',
  spw = '1',
  standard = 'manual',
  fluxdensity = [0.29553, 0, 0, 0])

print "vis={vis}, field={field}".format(vis = 'uid___A002_X4sda4d_Xa12.ms.split.cal',
  field = 'J1851+0035',)


setjy(vis = 'uid___A002_X4sda4d_Xa12.ms.split.cal',
  field = 'J1851+0035',
  spw = '1',
  standard = 'manual',
  fluxdensity = [0.29553, 0, 0, 0])

print "vis={vis}, field={field}".format(vis = 'uid___A002_Xdd9c61_X66d.ms.split.cal',
  field = 'J1851+0035',)


setjy(vis = 'uid___A002_Xdd9c61_X66d.ms.split.cal',
  field = 'J1851+0035',
  spw = '2',
  standard = 'manual',
  fluxdensity = [0.27236, 0, 0, 0])

print "vis={vis}, field={field}".format(vis = 'uid___A002_X4sda4d_Xa12.ms.split.cal',
  field = 'J1851+0035',)


setjy(vis = 'uid___A002_X4sda4d_Xa12.ms.split.cal',
  field = 'J1851+0035',
  spw = '2',
  standard = 'manual',
  fluxdensity = [0.27236, 0, 0, 0])

print "vis={vis}, field={field}".format(vis = 'uid___A002_Xdd9c61_X66d.ms.split.cal',
  field = 'J1851+0035',)


setjy(vis = 'uid___A002_Xdd9c61_X66d.ms.split.cal',
  field = 'J1851+0035',
  spw = '3',
  standard = 'manual',
  fluxdensity = [0.29299, 0, 0, 0])

print "vis={vis}, field={field}".format(vis = 'uid___A002_X4sda4d_Xa12.ms.split.cal',
  field = 'J1851+0035',)


setjy(vis = 'uid___A002_X4sda4d_Xa12.ms.split.cal',
  field = 'J1851+0035',
  spw = '3',
  standard = 'manual',
  fluxdensity = [0.29299, 0, 0, 0])

print "vis={vis}, field={field}".format(vis = 'uid___A002_Xdd9c61_X66d.ms.split.cal',
  field = 'J1851+0035',)


setjy(vis = 'uid___A002_Xdd9c61_X66d.ms.split.cal',
  field = 'J1851+0035',
  spw = '4',
  standard = 'manual',
  fluxdensity = [0.29555, 0, 0, 0])

print "vis={vis}, field={field}".format(vis = 'uid___A002_X4sda4d_Xa12.ms.split.cal',
  field = 'J1851+0035',)


setjy(vis = 'uid___A002_X4sda4d_Xa12.ms.split.cal',
  field = 'J1851+0035',
  spw = '4',
  standard = 'manual',
  fluxdensity = [0.29555, 0, 0, 0])

print "vis={vis}, field={field}".format(vis = 'uid___A002_Xdd9c61_X66d.ms.split.cal',
  field = 'J1851+0035',)


setjy(vis = 'uid___A002_Xdd9c61_X66d.ms.split.cal',
  field = 'J1851+0035',
  spw = '5',
  standard = 'manual',
  fluxdensity = [0.27431, 0, 0, 0])

print "vis={vis}, field={field}".format(vis = 'uid___A002_X4sda4d_Xa12.ms.split.cal',
  field = 'J1851+0035',)


setjy(vis = 'uid___A002_X4sda4d_Xa12.ms.split.cal',
  field = 'J1851+0035',
  spw = '5',
  standard = 'manual',
  fluxdensity = [0.27431, 0, 0, 0])

print "vis={vis}, field={field}".format(vis = 'uid___A002_Xdd9c61_X66d.ms.split.cal',
  field = 'J1851+0035',)


setjy(vis = 'uid___A002_Xdd9c61_X66d.ms.split.cal',
  field = 'J1851+0035',
  spw = '6',
  standard = 'manual',
  fluxdensity = [0.26873, 0, 0, 0])

print "vis={vis}, field={field}".format(vis = 'uid___A002_X4sda4d_Xa12.ms.split.cal',
  field = 'J1851+0035',)


setjy(vis = 'uid___A002_X4sda4d_Xa12.ms.split.cal',
  field = 'J1851+0035',
  spw = '6',
  standard = 'manual',
  fluxdensity = [0.26873, 0, 0, 0])

print "vis={vis}, field={field}".format(vis = 'uid___A002_Xdd9c61_X66d.ms.split.cal',
  field = 'J1851+0035',)


setjy(vis = 'uid___A002_Xdd9c61_X66d.ms.split.cal',
  field = 'J1851+0035',
  spw = '7',
  standard = 'manual',
  fluxdensity = [0.26354, 0, 0, 0])

print "vis={vis}, field={field}".format(vis = 'uid___A002_X4sda4d_Xa12.ms.split.cal',
  field = 'J1851+0035',)


setjy(vis = 'uid___A002_X4sda4d_Xa12.ms.split.cal',
  field = 'J1851+0035',
  spw = '7',
  standard = 'manual',
  fluxdensity = [0.26354, 0, 0, 0])

os.system('rm -rf uid___A002_Xdd9c61_X66d.ms.split.cal.ampli_inf') 
gaincal(vis = 'uid___A002_Xdd9c61_X66d.ms.split.cal',
  caltable = 'uid___A002_Xdd9c61_X66d.ms.split.cal.ampli_inf',
  field = 'J1851+0035',
  solint = 'inf',
  combine = 'scan',
  refant = 'DV09',
  gaintype = 'T',
  calmode = 'a')

applycal(vis = 'uid___A002_Xdd9c61_X66d.ms.split.cal',
  field = '2,3', # J1851+0035,IRAS12345
  gaintable = 'uid___A002_Xdd9c61_X66d.ms.split.cal.ampli_inf',
  gainfield = '2', # J1851+0035
  calwt = F,
  flagbackup = F)

os.system('rm -rf uid___A002_X4sda4d_Xa12.ms.split.cal.ampli_inf') 
gaincal(vis = 'uid___A002_X4sda4d_Xa12.ms.split.cal',
  caltable = 'uid___A002_X4sda4d_Xa12.ms.split.cal.ampli_inf',
  field = 'J1851+0035',
  solint = 'inf',
  combine = 'scan',
  refant = 'DA49',
  gaintype = 'T',
  calmode = 'a')

applycal(vis = 'uid___A002_X4sda4d_Xa12.ms.split.cal',
  field = '2,3', # J1851+0035,IRAS12345
  gaintable = 'uid___A002_X4sda4d_Xa12.ms.split.cal.ampli_inf',
  gainfield = '2', # J1851+0035
  calwt = F,
  flagbackup = F)

print "# Concatenating the data."

concat(vis = ['uid___A002_Xdd9c61_X66d.ms.split.cal',
              'uid___A002_X4sda4d_Xa12.ms.split.cal'],
  concatvis = 'calibrated.ms')

