# ALMA Data Reduction Script

# Calibration

thesteps = []
step_title = {0: 'Import of the ASDM',
              1: 'Fix of SYSCAL table times',
              2: 'Running fixplanets on fields with 0,0 coordinates',
              3: 'listobs',
              4: 'A priori flagging',
              5: 'Generation and time averaging of the WVR cal table',
              6: 'Generation of the Tsys cal table',
              7: 'Generation of the antenna position cal table',
              8: 'Application of the WVR, Tsys and antpos cal tables',
              9: 'Split out science SPWs and time average',
              10: 'Listobs, clear pointing table, and save original flags',
              11: 'Initial flagging',
              12: 'Putting a model for the flux calibrator(s)',
              13: 'Save flags before bandpass cal',
              14: 'Bandpass calibration',
              15: 'Save flags before gain cal',
              16: 'Gain calibration',
              17: 'Save flags before applycal',
              18: 'Application of the bandpass and gain cal tables',
              19: 'Split out corrected column',
              20: 'Save flags after applycal'}

if 'applyonly' not in globals(): applyonly = False
try:
  print 'List of steps to be executed ...', mysteps
  thesteps = mysteps
except:
  print 'global variable mysteps not set.'
if (thesteps==[]):
  thesteps = range(0,len(step_title))
  print 'Executing all steps: ', thesteps

# The Python variable 'mysteps' will control which steps
# are executed when you start the script using
#   execfile('scriptForCalibration.py')
# e.g. setting
#   mysteps = [2,3,4]# before starting the script will make the script execute
# only steps 2, 3, and 4
# Setting mysteps = [] will make it execute all steps.

import re

import os

if applyonly != True: es = aU.stuffForScienceDataReduction() 


if re.search('^4.2.2', casadef.casa_version) == None:
 sys.exit('ERROR: PLEASE USE THE SAME VERSION OF CASA THAT YOU USED FOR GENERATING THE SCRIPT: 4.2.2')


# CALIBRATE_AMPLI: Titan
# CALIBRATE_ATMOSPHERE: J1751+0939,Titan,IRAS12345
# CALIBRATE_BANDPASS: J1751+0939
# CALIBRATE_FLUX: Titan
# CALIBRATE_FOCUS: 
# CALIBRATE_PHASE: J1851+0035
# CALIBRATE_POINTING: J1751+0939
# OBSERVE_TARGET: IRAS12345

# Using reference antenna = DV09

# Import of the ASDM
mystep = 0
if(mystep in thesteps):
  casalog.post('Step '+str(mystep)+' '+step_title[mystep],'INFO')
  print 'Step ', mystep, step_title[mystep]

  if os.path.exists('uid___A002_Xdd9c61_X66d.ms') == False:
    importasdm('uid___A002_Xdd9c61_X66d', asis='Antenna Station CalAtmosphere Receiver Source', bdfflags=True, lazy=False)
  if applyonly != True: es.fixForCSV2555('uid___A002_Xdd9c61_X66d.ms')

# Fix of SYSCAL table times
mystep = 1
if(mystep in thesteps):
  casalog.post('Step '+str(mystep)+' '+step_title[mystep],'INFO')
  print 'Step ', mystep, step_title[mystep]

  from recipes.almahelpers import fixsyscaltimes
  fixsyscaltimes(vis = 'uid___A002_Xdd9c61_X66d.ms')

print "# A priori calibration"

# Running fixplanets on fields with 0,0 coordinates
mystep = 2
if(mystep in thesteps):
  casalog.post('Step '+str(mystep)+' '+step_title[mystep],'INFO')
  print 'Step ', mystep, step_title[mystep]

  fixplanets(vis = 'uid___A002_Xdd9c61_X66d.ms',
    field = '1', # Titan
    fixuvw = T)
  

# listobs
mystep = 3
if(mystep in thesteps):
  casalog.post('Step '+str(mystep)+' '+step_title[mystep],'INFO')
  print 'Step ', mystep, step_title[mystep]

  os.system('rm -rf uid___A002_Xdd9c61_X66d.ms.listobs')
  listobs(vis = 'uid___A002_Xdd9c61_X66d.ms',
    listfile = 'uid___A002_Xdd9c61_X66d.ms.listobs')
  
  

# A priori flagging
mystep = 4
if(mystep in thesteps):
  casalog.post('Step '+str(mystep)+' '+step_title[mystep],'INFO')
  print 'Step ', mystep, step_title[mystep]

  flagdata(vis = 'uid___A002_Xdd9c61_X66d.ms',
    mode = 'manual',
    spw = '1~24',
    autocorr = T,
    flagbackup = F)
  
  flagdata(vis = 'uid___A002_Xdd9c61_X66d.ms',
    mode = 'manual',
    intent = '*POINTING*,*SIDEBAND_RATIO*,*ATMOSPHERE*',
    flagbackup = F)
  
  flagcmd(vis = 'uid___A002_Xdd9c61_X66d.ms',
    inpmode = 'table',
    useapplied = True,
    action = 'plot',
    plotfile = 'uid___A002_Xdd9c61_X66d.ms.flagcmd.png')
  
  flagcmd(vis = 'uid___A002_Xdd9c61_X66d.ms',
    inpmode = 'table',
    useapplied = True,
    action = 'apply')
  

# Generation and time averaging of the WVR cal table
mystep = 5
if(mystep in thesteps):
  casalog.post('Step '+str(mystep)+' '+step_title[mystep],'INFO')
  print 'Step ', mystep, step_title[mystep]

  os.system('rm -rf uid___A002_Xdd9c61_X66d.ms.wvr') 
  
  os.system('rm -rf uid___A002_Xdd9c61_X66d.ms.wvrgcal') 
  
  mylogfile = casalog.logfile()
  casalog.setlogfile('uid___A002_Xdd9c61_X66d.ms.wvrgcal')
  
  wvrgcal(vis = 'uid___A002_Xdd9c61_X66d.ms',
    caltable = 'uid___A002_Xdd9c61_X66d.ms.wvr',
    spw = [9, 11, 13, 15, 17, 19, 21, 23],
    smooth = '6.048s',
    toffset = -1,
    tie = ['IRAS12345,J1851+0035'],
    statsource = 'IRAS12345')
  
  casalog.setlogfile(mylogfile)
  
  if applyonly != True: aU.plotWVRSolutions(caltable='uid___A002_Xdd9c61_X66d.ms.wvr', spw='9', antenna='DV09',
    yrange=[-199,199],subplot=22, interactive=False,
    figfile='uid___A002_Xdd9c61_X66d.ms.wvr.plots/uid___A002_Xdd9c61_X66d.ms.wvr') 
  
  #Note: If you see wraps in these plots, try changing yrange or unwrap=True 
  #Note: If all plots look strange, it may be a bad WVR on the reference antenna.
  #      To check, you can set antenna='' to show all baselines.
  

# Generation of the Tsys cal table
mystep = 6
if(mystep in thesteps):
  casalog.post('Step '+str(mystep)+' '+step_title[mystep],'INFO')
  print 'Step ', mystep, step_title[mystep]

  os.system('rm -rf uid___A002_Xdd9c61_X66d.ms.tsys') 
  gencal(vis = 'uid___A002_Xdd9c61_X66d.ms',
    caltable = 'uid___A002_Xdd9c61_X66d.ms.tsys',
    caltype = 'tsys')
  
  # Flagging edge channels
  
  flagdata(vis = 'uid___A002_Xdd9c61_X66d.ms.tsys',
    mode = 'manual',
    spw = '1:0~3;124~127,3:0~3;124~127,5:0~3;124~127,7:0~3;124~127',
    flagbackup = F)
  
  if applyonly != True: aU.plotbandpass(caltable='uid___A002_Xdd9c61_X66d.ms.tsys', overlay='time', 
    xaxis='freq', yaxis='amp', subplot=22, buildpdf=False, interactive=False,
    showatm=True,pwv='auto',chanrange='92.1875%',showfdm=True, 
    field='', figfile='uid___A002_Xdd9c61_X66d.ms.tsys.plots.overlayTime/uid___A002_Xdd9c61_X66d.ms.tsys') 
  
  
  if applyonly != True: es.checkCalTable('uid___A002_Xdd9c61_X66d.ms.tsys', msName='uid___A002_Xdd9c61_X66d.ms', interactive=False) 
  

# Generation of the antenna position cal table
mystep = 7
if(mystep in thesteps):
  casalog.post('Step '+str(mystep)+' '+step_title[mystep],'INFO')
  print 'Step ', mystep, step_title[mystep]

  # Position for antenna DA43 is derived from baseline run made on 2014-07-14 03:51:22.
  
  # Position for antenna DA52 is derived from baseline run made on 2014-07-14 03:51:22.
  
  # Position for antenna DV04 is derived from baseline run made on 2014-07-14 03:51:22.
  
  # Position for antenna DV11 is derived from baseline run made on 2014-07-14 03:51:22.
  
  # Position for antenna DA61 is derived from baseline run made on 2014-07-14 03:51:22.
  
  # Position for antenna DV07 is derived from baseline run made on 2014-07-14 03:51:22.
  
  os.system('rm -rf uid___A002_Xdd9c61_X66d.ms.antpos') 
  gencal(vis = 'uid___A002_Xdd9c61_X66d.ms',
    caltable = 'uid___A002_Xdd9c61_X66d.ms.antpos',
    caltype = 'antpos',
    antenna = 'DA43,DA52,DV04,DV11,DA61,DV07',
    parameter = [0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0])
  #  parameter = [3.07538339371e-07,7.46863843771e-05,-6.85344638406e-05,-0.000222647959689,-0.000113667696293,-0.000247911638749,1.50359006494e-05,0.000335053811389,-0.000123051629638,-0.000155118724955,0.000122460512546,8.922175204e-05,2.63535622495e-05,-0.000232617011177,-7.31295561582e-06,0.000173825798615,-0.000336053636821,-0.00011440394026])
  

# Application of the WVR, Tsys and antpos cal tables
mystep = 8
if(mystep in thesteps):
  casalog.post('Step '+str(mystep)+' '+step_title[mystep],'INFO')
  print 'Step ', mystep, step_title[mystep]

  
  
  from recipes.almahelpers import tsysspwmap
  tsysmap = tsysspwmap(vis = 'uid___A002_Xdd9c61_X66d.ms', tsystable = 'uid___A002_Xdd9c61_X66d.ms.tsys', tsysChanTol = 1)
  
  
  applycal(vis = 'uid___A002_Xdd9c61_X66d.ms',
    field = '0',
    spw = '9,11,13,15,17,19,21,23',
    gaintable = ['uid___A002_Xdd9c61_X66d.ms.tsys', 'uid___A002_Xdd9c61_X66d.ms.wvr', 'uid___A002_Xdd9c61_X66d.ms.antpos'],
    gainfield = ['0', '', ''],
    interp = 'linear,linear',
    spwmap = [tsysmap,[],[]],
    calwt = T,
    flagbackup = F)
  
  
  applycal(vis = 'uid___A002_Xdd9c61_X66d.ms',
    field = '1',
    spw = '9,11,13,15,17,19,21,23',
    gaintable = ['uid___A002_Xdd9c61_X66d.ms.tsys', 'uid___A002_Xdd9c61_X66d.ms.wvr', 'uid___A002_Xdd9c61_X66d.ms.antpos'],
    gainfield = ['1', '', ''],
    interp = 'linear,linear',
    spwmap = [tsysmap,[],[]],
    calwt = T,
    flagbackup = F)
  
  
  # Note: J1851+0035 didn't have any Tsys measurement, so I used the one made on IRAS12345. This is probably Ok.
  
  applycal(vis = 'uid___A002_Xdd9c61_X66d.ms',
    field = '2',
    spw = '9,11,13,15,17,19,21,23',
    gaintable = ['uid___A002_Xdd9c61_X66d.ms.tsys', 'uid___A002_Xdd9c61_X66d.ms.wvr', 'uid___A002_Xdd9c61_X66d.ms.antpos'],
    gainfield = ['3', '', ''],
    interp = 'linear,linear',
    spwmap = [tsysmap,[],[]],
    calwt = T,
    flagbackup = F)
  
  
  applycal(vis = 'uid___A002_Xdd9c61_X66d.ms',
    field = '3',
    spw = '9,11,13,15,17,19,21,23',
    gaintable = ['uid___A002_Xdd9c61_X66d.ms.tsys', 'uid___A002_Xdd9c61_X66d.ms.wvr', 'uid___A002_Xdd9c61_X66d.ms.antpos'],
    gainfield = ['3', '', ''],
    interp = 'linear,linear',
    spwmap = [tsysmap,[],[]],
    calwt = T,
    flagbackup = F)
  
  if applyonly != True: es.getCalWeightStats('uid___A002_Xdd9c61_X66d.ms') 
  

# Split out science SPWs and time average
mystep = 9
if(mystep in thesteps):
  casalog.post('Step '+str(mystep)+' '+step_title[mystep],'INFO')
  print 'Step ', mystep, step_title[mystep]

  os.system('rm -rf uid___A002_Xdd9c61_X66d.ms.split') 
  os.system('rm -rf uid___A002_Xdd9c61_X66d.ms.split.flagversions') 
  split(vis = 'uid___A002_Xdd9c61_X66d.ms',
    outputvis = 'uid___A002_Xdd9c61_X66d.ms.split',
    datacolumn = 'corrected',
    spw = '9,11,13,15,17,19,21,23',
    keepflags = T)
  
  

print "# Calibration"

# Listobs, clear pointing table, and save original flags
mystep = 10
if(mystep in thesteps):
  casalog.post('Step '+str(mystep)+' '+step_title[mystep],'INFO')
  print 'Step ', mystep, step_title[mystep]

  os.system('rm -rf uid___A002_Xdd9c61_X66d.ms.split.listobs')
  listobs(vis = 'uid___A002_Xdd9c61_X66d.ms.split',
    listfile = 'uid___A002_Xdd9c61_X66d.ms.split.listobs')
  
  tb.open('uid___A002_Xdd9c61_X66d.ms.split/POINTING', nomodify = False)
  a = tb.rownumbers()
  tb.removerows(a)
  tb.close()
  
  if not os.path.exists('uid___A002_Xdd9c61_X66d.ms.split.flagversions/Original.flags'):
    flagmanager(vis = 'uid___A002_Xdd9c61_X66d.ms.split',
      mode = 'save',
      versionname = 'Original')
  
  

# Initial flagging
mystep = 11
if(mystep in thesteps):
  casalog.post('Step '+str(mystep)+' '+step_title[mystep],'INFO')
  print 'Step ', mystep, step_title[mystep]

  # Flagging shadowed data
  
  flagdata(vis = 'uid___A002_Xdd9c61_X66d.ms.split',
    mode = 'shadow',
    flagbackup = F)
  
  # Flagging atmospheric line(s)
  
  flagdata(vis = 'uid___A002_Xdd9c61_X66d.ms.split',
    mode = 'manual',
    spw = '5:236~277',
    field = '1',
    flagbackup = F)
  
  # Flagging atmospheric line(s)
  
  flagdata(vis = 'uid___A002_Xdd9c61_X66d.ms.split',
    mode = 'manual',
    spw = '3:170~199',
    field = '1',
    flagbackup = F)
  
  

# Putting a model for the flux calibrator(s)
mystep = 12
if(mystep in thesteps):
  casalog.post('Step '+str(mystep)+' '+step_title[mystep],'INFO')
  print 'Step ', mystep, step_title[mystep]

  setjy(vis = 'uid___A002_Xdd9c61_X66d.ms.split',
    field = '1', # Titan
    spw = '0,1,2,3,4,5,6,7',
    standard = 'Butler-JPL-Horizons 2012')
  
  if applyonly != True:
    os.system('rm -rf uid___A002_Xdd9c61_X66d.ms.split.setjy.field*.png') 
    for i in ['1']:
      plotms(vis = 'uid___A002_Xdd9c61_X66d.ms.split',
        xaxis = 'uvdist',
        yaxis = 'amp',
        ydatacolumn = 'model',
        field = str(i),
        spw = '0,1,2,3,4,5,6,7',
        avgchannel = '9999',
        coloraxis = 'spw',
        plotfile = 'uid___A002_Xdd9c61_X66d.ms.split.setjy.field'+i+'.png')
  

# Save flags before bandpass cal
mystep = 13
if(mystep in thesteps):
  casalog.post('Step '+str(mystep)+' '+step_title[mystep],'INFO')
  print 'Step ', mystep, step_title[mystep]

  
  flagmanager(vis = 'uid___A002_Xdd9c61_X66d.ms.split',
    mode = 'save',
    versionname = 'BeforeBandpassCalibration')
  
  

# Bandpass calibration
mystep = 14
if(mystep in thesteps):
  casalog.post('Step '+str(mystep)+' '+step_title[mystep],'INFO')
  print 'Step ', mystep, step_title[mystep]

  os.system('rm -rf uid___A002_Xdd9c61_X66d.ms.split.ap_pre_bandpass') 
  
  gaincal(vis = 'uid___A002_Xdd9c61_X66d.ms.split',
    caltable = 'uid___A002_Xdd9c61_X66d.ms.split.ap_pre_bandpass',
    field = '0', # J1751+0939
    spw = '0:192~288,1:192~288,2:192~288,3:192~288,4:192~288,5:192~288,6:192~288,7:192~288',
    scan = '3',
    solint = 'int',
    refant = 'DV09',
    calmode = 'p')
  
  if applyonly != True: es.checkCalTable('uid___A002_Xdd9c61_X66d.ms.split.ap_pre_bandpass', msName='uid___A002_Xdd9c61_X66d.ms.split', interactive=False) 
  
  os.system('rm -rf uid___A002_Xdd9c61_X66d.ms.split.bandpass') 
  bandpass(vis = 'uid___A002_Xdd9c61_X66d.ms.split',
    caltable = 'uid___A002_Xdd9c61_X66d.ms.split.bandpass',
    field = '0', # J1751+0939
    scan = '3',
    solint = 'inf',
    combine = 'scan',
    refant = 'DV09',
    solnorm = True,
    bandtype = 'B',
    gaintable = 'uid___A002_Xdd9c61_X66d.ms.split.ap_pre_bandpass')
  
  os.system('rm -rf uid___A002_Xdd9c61_X66d.ms.split.bandpass_smooth20ch') 
  
  bandpass(vis = 'uid___A002_Xdd9c61_X66d.ms.split',
    caltable = 'uid___A002_Xdd9c61_X66d.ms.split.bandpass_smooth20ch',
    field = '0', # J1751+0939
    scan = '3',
    solint = 'inf,20ch',
    combine = 'scan',
    refant = 'DV09',
    solnorm = True,
    bandtype = 'B',
    gaintable = 'uid___A002_Xdd9c61_X66d.ms.split.ap_pre_bandpass')
  
  if applyonly != True: es.checkCalTable('uid___A002_Xdd9c61_X66d.ms.split.bandpass_smooth20ch', msName='uid___A002_Xdd9c61_X66d.ms.split', interactive=False) 
  
  if applyonly != True: es.checkCalTable('uid___A002_Xdd9c61_X66d.ms.split.bandpass', msName='uid___A002_Xdd9c61_X66d.ms.split', interactive=False) 
  

# Save flags before gain cal
mystep = 15
if(mystep in thesteps):
  casalog.post('Step '+str(mystep)+' '+step_title[mystep],'INFO')
  print 'Step ', mystep, step_title[mystep]

  
  flagmanager(vis = 'uid___A002_Xdd9c61_X66d.ms.split',
    mode = 'save',
    versionname = 'BeforeGainCalibration')
  
  

# Gain calibration
mystep = 16
if(mystep in thesteps):
  casalog.post('Step '+str(mystep)+' '+step_title[mystep],'INFO')
  print 'Step ', mystep, step_title[mystep]

  # Note: the Solar system object used for flux calibration is highly resolved on some baselines.
  # Note: we will first determine the flux of the phase calibrator(s) on a subset of antennas.
  
  delmod('uid___A002_Xdd9c61_X66d.ms.split',field='2')
  
  os.system('rm -rf uid___A002_Xdd9c61_X66d.ms.split.phase_short_int') 
  gaincal(vis = 'uid___A002_Xdd9c61_X66d.ms.split',
    caltable = 'uid___A002_Xdd9c61_X66d.ms.split.phase_short_int',
    field = '1', # Titan
    selectdata = T,
    antenna = 'DA46,DA49,DA50,DA51,DV03,DV06,DV09,DV10,DV11&',
    uvrange = '0~100m', # Titan resolved (check amp model vs uvdist plot)
    solint = 'int',
    refant = 'DV09',
    minblperant = 1,
    minsnr = 2.0,
    gaintype = 'G',
    calmode = 'p',
    gaintable = 'uid___A002_Xdd9c61_X66d.ms.split.bandpass_smooth20ch')
  
  gaincal(vis = 'uid___A002_Xdd9c61_X66d.ms.split',
    caltable = 'uid___A002_Xdd9c61_X66d.ms.split.phase_short_int',
    field = '0,2', # J1751+0939,J1851+0035
    selectdata = T,
    solint = 'int',
    refant = 'DV09',
    minblperant = 1,
    minsnr = 2.0,
    gaintype = 'G',
    calmode = 'p',
    append = T,
    gaintable = 'uid___A002_Xdd9c61_X66d.ms.split.bandpass_smooth20ch')
  
  if applyonly != True: es.checkCalTable('uid___A002_Xdd9c61_X66d.ms.split.phase_short_int', msName='uid___A002_Xdd9c61_X66d.ms.split', interactive=False) 
  
  os.system('rm -rf uid___A002_Xdd9c61_X66d.ms.split.ampli_short_inf') 
  gaincal(vis = 'uid___A002_Xdd9c61_X66d.ms.split',
    caltable = 'uid___A002_Xdd9c61_X66d.ms.split.ampli_short_inf',
    field = '0,1,2', # J1751+0939,Titan,J1851+0035
    selectdata = T,
    solint = 'inf',
    refant = 'DV09',
    minblperant = 1,
    minsnr = 2.0,
    gaintype = 'T',
    calmode = 'a',
    gaintable = ['uid___A002_Xdd9c61_X66d.ms.split.bandpass_smooth20ch', 'uid___A002_Xdd9c61_X66d.ms.split.phase_short_int'])
  
  if applyonly != True: es.checkCalTable('uid___A002_Xdd9c61_X66d.ms.split.ampli_short_inf', msName='uid___A002_Xdd9c61_X66d.ms.split', interactive=False) 
  
  os.system('rm -rf uid___A002_Xdd9c61_X66d.ms.split.flux_short_inf') 
  os.system('rm -rf uid___A002_Xdd9c61_X66d.ms.split.fluxscale') 
  mylogfile = casalog.logfile()
  casalog.setlogfile('uid___A002_Xdd9c61_X66d.ms.split.fluxscale')
  
  fluxscaleDict = fluxscale(vis = 'uid___A002_Xdd9c61_X66d.ms.split',
    caltable = 'uid___A002_Xdd9c61_X66d.ms.split.ampli_short_inf',
    fluxtable = 'uid___A002_Xdd9c61_X66d.ms.split.flux_short_inf',
    reference = '1') # Titan
  
  casalog.setlogfile(mylogfile)
  
  if applyonly != True: es.fluxscale2(caltable = 'uid___A002_Xdd9c61_X66d.ms.split.ampli_short_inf', removeOutliers=True, msName='uid___A002_Xdd9c61_X66d.ms', writeToFile=True, preavg=10000)
  
  f = open('uid___A002_Xdd9c61_X66d.ms.split.fluxscale')
  fc = f.readlines()
  f.close()
  
  for phaseCalName in ['J1851+0035']:
    for i in range(len(fc)):
      if fc[i].find('Flux density for '+phaseCalName) != -1 and re.search('in SpW=[0-9]+(?: \(.*?\))? is: [0-9]+\.[0-9]+', fc[i], re.DOTALL|re.IGNORECASE) != None:
        line = (re.search('in SpW=[0-9]+(?: \(.*?\))? is: [0-9]+\.[0-9]+', fc[i], re.DOTALL|re.IGNORECASE)).group(0)
        spwId = (line.split('='))[1].split()[0]
        flux = float((line.split(':'))[1].split()[0])
        setjy(vis = 'uid___A002_Xdd9c61_X66d.ms.split',
          field = phaseCalName.replace(';','*;').split(';')[0],
          spw = spwId,
          standard = 'manual',
          fluxdensity = [flux,0,0,0])
  
  os.system('rm -rf uid___A002_Xdd9c61_X66d.ms.split.phase_int') 
  gaincal(vis = 'uid___A002_Xdd9c61_X66d.ms.split',
    caltable = 'uid___A002_Xdd9c61_X66d.ms.split.phase_int',
    field = '0,1,2', # J1751+0939,Titan,J1851+0035
    solint = 'int',
    refant = 'DV09',
    gaintype = 'G',
    calmode = 'p',
    gaintable = 'uid___A002_Xdd9c61_X66d.ms.split.bandpass_smooth20ch')
  
  if applyonly != True: es.checkCalTable('uid___A002_Xdd9c61_X66d.ms.split.phase_int', msName='uid___A002_Xdd9c61_X66d.ms.split', interactive=False) 
  
  os.system('rm -rf uid___A002_Xdd9c61_X66d.ms.split.flux_inf') 
  gaincal(vis = 'uid___A002_Xdd9c61_X66d.ms.split',
    caltable = 'uid___A002_Xdd9c61_X66d.ms.split.flux_inf',
    field = '0,1,2', # J1751+0939,Titan,J1851+0035
    solint = 'inf',
    refant = 'DV09',
    gaintype = 'T',
    calmode = 'a',
    gaintable = ['uid___A002_Xdd9c61_X66d.ms.split.bandpass_smooth20ch', 'uid___A002_Xdd9c61_X66d.ms.split.phase_int'])
  
  if applyonly != True: es.checkCalTable('uid___A002_Xdd9c61_X66d.ms.split.flux_inf', msName='uid___A002_Xdd9c61_X66d.ms.split', interactive=False) 
  
  os.system('rm -rf uid___A002_Xdd9c61_X66d.ms.split.phase_inf') 
  gaincal(vis = 'uid___A002_Xdd9c61_X66d.ms.split',
    caltable = 'uid___A002_Xdd9c61_X66d.ms.split.phase_inf',
    field = '0,1,2', # J1751+0939,Titan,J1851+0035
    solint = 'inf',
    refant = 'DV09',
    gaintype = 'G',
    calmode = 'p',
    gaintable = 'uid___A002_Xdd9c61_X66d.ms.split.bandpass_smooth20ch')
  
  if applyonly != True: es.checkCalTable('uid___A002_Xdd9c61_X66d.ms.split.phase_inf', msName='uid___A002_Xdd9c61_X66d.ms.split', interactive=False) 
  

# Save flags before applycal
mystep = 17
if(mystep in thesteps):
  casalog.post('Step '+str(mystep)+' '+step_title[mystep],'INFO')
  print 'Step ', mystep, step_title[mystep]

  
  flagmanager(vis = 'uid___A002_Xdd9c61_X66d.ms.split',
    mode = 'save',
    versionname = 'BeforeApplycal')
  
  

# Application of the bandpass and gain cal tables
mystep = 18
if(mystep in thesteps):
  casalog.post('Step '+str(mystep)+' '+step_title[mystep],'INFO')
  print 'Step ', mystep, step_title[mystep]

  for i in ['0', '1']: # J1751+0939,Titan
    applycal(vis = 'uid___A002_Xdd9c61_X66d.ms.split',
      field = str(i),
      gaintable = ['uid___A002_Xdd9c61_X66d.ms.split.bandpass_smooth20ch', 'uid___A002_Xdd9c61_X66d.ms.split.phase_int', 'uid___A002_Xdd9c61_X66d.ms.split.flux_inf'],
      gainfield = ['', i, i],
      interp = 'linear,linear',
      calwt = T,
      flagbackup = F)
  
  applycal(vis = 'uid___A002_Xdd9c61_X66d.ms.split',
    field = '2,3', # IRAS12345
    gaintable = ['uid___A002_Xdd9c61_X66d.ms.split.bandpass_smooth20ch', 'uid___A002_Xdd9c61_X66d.ms.split.phase_inf', 'uid___A002_Xdd9c61_X66d.ms.split.flux_inf'],
    gainfield = ['', '2', '2'], # J1851+0035
    interp = 'linear,linear',
    calwt = T,
    flagbackup = F)
  

# Split out corrected column
mystep = 19
if(mystep in thesteps):
  casalog.post('Step '+str(mystep)+' '+step_title[mystep],'INFO')
  print 'Step ', mystep, step_title[mystep]

  os.system('rm -rf uid___A002_Xdd9c61_X66d.ms.split.cal') 
  os.system('rm -rf uid___A002_Xdd9c61_X66d.ms.split.cal.flagversions') 
  split(vis = 'uid___A002_Xdd9c61_X66d.ms.split',
    outputvis = 'uid___A002_Xdd9c61_X66d.ms.split.cal',
    datacolumn = 'corrected',
    keepflags = T)
  
  

# Save flags after applycal
mystep = 20
if(mystep in thesteps):
  casalog.post('Step '+str(mystep)+' '+step_title[mystep],'INFO')
  print 'Step ', mystep, step_title[mystep]

  
  flagmanager(vis = 'uid___A002_Xdd9c61_X66d.ms.split.cal',
    mode = 'save',
    versionname = 'AfterApplycal')
  
  

