#####################
#Start imaging script
#####################

import re

#if re.search('^4.2.2', casadef.casa_version) == None:
#   sys.exit('ERROR: PLEASE USE THE SAME VERSION OF CASA THAT YOU USED FOR GENERATING THE SCRIPT: 4.2.2')

vis = 'calibrated.ms'

# Fields: 0 J1751+0939 (bandpass), 1 Titan (flux), 2 J1851+0035 (phase), 3 IRAS12345 (target)
# Science spws 0-7 (Band 6, FDM, 480 channels each); CO(2-1) in spw 5, HC3N(24-23) in spw 3

print "# running clean on the bandpass calibrator (continuum, all spws)"
os.system('rm -rf calibrated.ms.J1751+0939.cont*')
clean(vis = vis,
  imagename = 'calibrated.ms.J1751+0939.cont',
  field = '0', # J1751+0939
  spw = '',
  mode = 'mfs',
  imagermode = 'csclean',
  imsize = [256, 256],
  cell = '0.12arcsec',
  interactive = F,
  niter = 500,
  threshold = '1.0mJy')

# Restoring Beam   : 0.724 arcsec, 0.583 arcsec, -71.3 deg
# RMS 0.43 mJy/beam

print "# running clean on the target continuum (line-free channels)"
os.system('rm -rf calibrated.ms.IRAS12345.cont*')
clean(vis = vis,
  imagename = 'calibrated.ms.IRAS12345.cont',
  field = '3', # IRAS12345
  spw = '0,1,2,3:0~160;210~479,4,5:0~220;300~479,6,7', # to avoid CO(2-1) and HC3N
  mode = 'mfs',
  outframe = 'LSRK',
  imagermode = 'csclean',
  imsize = [320, 320],
  cell = '0.12arcsec',
  interactive = F,
  niter = 2000,
  threshold = '0.2mJy',
  weighting = 'briggs',
  robust = 0.5,
  usescratch = True)

# Restoring Beam   : 0.781 arcsec, 0.617 arcsec, -68.9 deg
# RMS 0.071 mJy/beam (requested: 2.0 mJy in 1 km/s for the line)

myimagebase = 'calibrated.ms.IRAS12345.cont'
impbcor(imagename=myimagebase+'.image', pbimage=myimagebase+'.flux', outfile=myimagebase+'.image.pbcor', overwrite=True)
exportfits(imagename=myimagebase+'.image.pbcor', fitsimage=myimagebase+'.image.pbcor.fits', dropdeg=True, overwrite=True)
exportfits(imagename=myimagebase+'.flux', fitsimage=myimagebase+'.flux.fits', dropdeg=True, overwrite=True)

print "# continuum subtraction"
os.system('rm -rf calibrated.ms.contsub')
uvcontsub(vis = vis,
  field = '3', # IRAS12345
  fitspw = '3:0~160;210~479,5:0~220;300~479',
  spw = '3,5',
  fitorder = 1,
  combine = 'spw')

for line, spw, restfreq in (('CO2-1', '1', '230.538GHz'),
                            ('HC3N24-23', '0', '218.324723GHz')):
    output = 'IRAS12345.{0}'.format(line)
    os.system('rm -rf ' + output + '*')
    clean(vis = 'calibrated.ms.contsub',
      imagename = output,
      field = '0', # IRAS12345 (field ids renumbered by uvcontsub)
      spw = spw,
      mode = 'velocity',
      start = '0km/s',
      width = '2.6km/s',
      nchan = 35,
      restfreq = restfreq,
      outframe = 'LSRK',
      imagermode = 'csclean',
      imsize = [320, 320],
      cell = '0.12arcsec',
      interactive = F,
      niter = 2000,
      threshold = '6mJy',
      weighting = 'briggs',
      robust = 0.5)
    myimagebase = output
    impbcor(imagename=myimagebase+'.image', pbimage=myimagebase+'.flux', outfile=myimagebase+'.image.pbcor', overwrite=True)
    exportfits(imagename=myimagebase+'.image.pbcor', fitsimage=myimagebase+'.image.pbcor.fits', overwrite=True)
    exportfits(imagename=myimagebase+'.flux', fitsimage=myimagebase+'.flux.fits', overwrite=True)

# CO2-1:     Restoring Beam 0.802 arcsec, 0.634 arcsec, -69.5 deg; RMS 1.9 mJy/beam per 2.6 km/s channel
# HC3N24-23: Restoring Beam 0.841 arcsec, 0.663 arcsec, -70.2 deg; RMS 2.1 mJy/beam per 2.6 km/s channel
