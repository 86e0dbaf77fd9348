# ALMA Data Reduction Script

# Calibration

thesteps = []
step_title = {0: 'Import of the ASDM',
              1: 'listobs',
              2: 'A priori flagging',
              3: 'Generation and time averaging of the WVR cal table',
              4: 'Generation of the Tsys cal table',
              5: 'Generation of the antenna position cal table',
              6: 'Application of the WVR, Tsys and antpos cal tables',
              7: 'Split out science SPWs and time average',
              8: 'Listobs, clear pointing table, and save original flags',
              9: 'Initial flagging',
              10: 'Putting a model for the flux calibrator(s)',
              11: 'Save flags before bandpass cal',
              12: 'Bandpass calibration',
              13: 'Save flags before gain cal',
              14: 'Gain calibration',
              15: 'Save flags before applycal',
              16: 'Application of the bandpass and gain cal tables',
              17: 'Split out corrected column',
              18: 'Save flags after applycal'}

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
# CALIBRATE_POINTING: J1751+0939,J1851+0035
# OBSERVE_TARGET: IRAS12345

# Using reference antenna = DA49

# Import of the ASDM
mystep = 0
if(mystep in thesteps):
  casalog.post('Step '+str(mystep)+' '+step_title[mystep],'INFO')
  print 'Step ', mystep, step_title[mystep]

  if os.path.exists('uid___A002_X4sda4d_Xa12.ms') == False:
    importasdm('uid___A002_X4sda4d_Xa12')
  if applyonly != True: es.fixForCSV2555('uid___A002_X4sda4d_Xa12.ms')

print "# A priori calibration"

# listobs
mystep = 1
if(mystep in thesteps):
  casalog.post('Step '+str(mystep)+' '+step_title[mystep],'INFO')
  print 'Step ', mystep, step_title[mystep]

  os.system('rm -rf uid___A002_X4sda4d_Xa12.ms.listobs')
  listobs(vis = 'uid___A002_X4sda4d_Xa12.ms',
    listfile = 'uid___A002_X4sda4d_Xa12.ms.listobs')
  
  

# A priori flagging
mystep = 2
if(mystep in thesteps):
  casalog.post('Step '+str(mystep)+' '+step_title[mystep],'INFO')
  print 'Step ', mystep, step_title[mystep]

  flagdata(vis = 'uid___A002_X4sda4d_Xa12.ms',
    mode = 'manual',
    spw = '1~24',
    autocorr = T,
    flagbackup = F)
  
  flagdata(vis = 'uid___A002_X4sda4d_Xa12.ms',
    mode = 'manual',
    intent = '*POINTING*,*SIDEBAND_RATIO*,*ATMOSPHERE*',
    flagbackup = F)
  
  flagcmd(vis = 'uid___A002_X4sda4d_Xa12.ms',
    inpmode = 'table',
    useapplied = True,
    action = 'plot',
    plotfile = 'uid___A002_X4sda4d_Xa12.ms.flagcmd.png')
  
  flagcmd(vis = 'uid___A002_X4sda4d_Xa12.ms',
    inpmode = 'table',
    useapplied = True,
    action = 'apply')
  
  # DV16: no fringes in any scan, flagged in full (QA2 reducer)
  flagdata(vis = 'uid___A002_X4sda4d_Xa12.ms',
    mode = 'manual',
    antenna = 'DV16',
    flagbackup = F)
  

# Generation and time averaging of the WVR cal table
mystep = 3
if(mystep in thesteps):
  casalog.post('Step '+str(mystep)+' '+step_title[mystep],'INFO')
  print 'Step ', mystep, step_title[mystep]

  os.system('rm -rf uid___A002_X4sda4d_Xa12.ms.wvr') 
  
  os.system('rm -rf uid___A002_X4sda4d_Xa12.ms.wvrgcal') 
  
  mylogfile = casalog.logfile()
  casalog.setlogfile('uid___A002_X4sda4d_Xa12.ms.wvrgcal')
  
  wvrgcal(vis = 'uid___A002_X4sda4d_Xa12.ms',
    caltable = 'uid___A002_X4sda4d_Xa12.ms.wvr',
    spw = [9, 11, 13, 15, 17, 19, 21, 23],
    smooth = '6.048s',
    toffset = -1,
    tie = ['IRAS12345,J1851+0035'],
    statsource = 'IRAS12345')
  
  casalog.setlogfile(mylogfile)
  
  if applyonly != True: aU.plotWVRSolutions(caltable='uid___A002_X4sda4d_Xa12.ms.wvr', spw='9', antenna='DA49',
    yrange=[-199,199],subplot=22, interactive=False,
    figfile='uid___A002_X4sda4d_Xa12.ms.wvr.plots/uid___A002_X4sda4d_Xa12.ms.wvr') 
  
  #Note: If you see wraps in these plots, try changing yrange or unwrap=True 
  #Note: If all plots look strange, it may be a bad WVR on the reference antenna.
  #      To check, you can set antenna='' to show all baselines.
  

# Generation of the Tsys cal table
mystep = 4
if(mystep in thesteps):
  casalog.post('Step '+str(mystep)+' '+step_title[mystep],'INFO')
  print 'Step ', mystep, step_title[mystep]

  os.system('rm -rf uid___A002_X4sda4d_Xa12.ms.tsys') 
  gencal(vis = 'uid___A002_X4sda4d_Xa12.ms',
    caltable = 'uid___A002_X4sda4d_Xa12.ms.tsys',
    caltype = 'tsys')
  
  # Flagging edge channels
  
  flagdata(vis = 'uid___A002_X4sda4d_Xa12.ms.tsys',
    mode = 'manual',
    spw = '1:0~3;124~127,3:0~3;124~127,5:0~3;124~127,7:0~3;124~127',
    flagbackup = F)
  
  if applyonly != True: aU.plotbandpass(caltable='uid___A002_X4sda4d_Xa12.ms.tsys', overlay='time', 
    xaxis='freq', yaxis='amp', subplot=22, buildpdf=False, interactive=False,
    showatm=True,pwv='auto',chanrange='92.1875%',showfdm=True, 
    field='', figfile='uid___A002_X4sda4d_Xa12.ms.tsys.plots.overlayTime/uid___A002_X4sda4d_Xa12.ms.tsys') 
  
  
  if applyonly != True: es.checkCalTable('uid___A002_X4sda4d_Xa12.ms.tsys', msName='uid___A002_X4sda4d_Xa12.ms', interactive=False) 
  

# Generation of the antenna position cal table
mystep = 5
if(mystep in thesteps):
  casalog.post('Step '+str(mystep)+' '+step_title[mystep],'INFO')
  print 'Step ', mystep, step_title[mystep]

  # Position for antenna DA43 is derived from baseline run made on 2014-07-30 05:12:40.
  
  # Position for antenna DA52 is derived from baseline run made on 2014-07-30 05:12:40.
  
  # Position for antenna DV04 is derived from baseline run made on 2014-07-30 05:12:40.
  
  # Position for antenna DV11 is derived from baseline run made on 2014-07-30 05:12:40.
  
  # Position for antenna DA61 is derived from baseline run made on 2014-07-30 05:12:40.
  
  # Position for antenna DV07 is derived from baseline run made on 2014-07-30 05:12:40.
  
  # Position for antenna DV16 is derived from baseline run made on 2014-07-30 05:12:40.
  
  os.system('rm -rf uid___A002_X4sda4d_Xa12.ms.antpos') 
  gencal(vis = 'uid___A002_X4sda4d_Xa12.ms',
    caltable = 'uid___A002_X4sda4d_Xa12.ms.antpos',
    caltype = 'antpos',
    antenna = 'DA43,DA52,DV04,DV11,DA61,DV07,DV16',
    parameter = [-0.000434566599624,-0.000334160698295,-0.000340276677141,-8.79042828196e-05,-0.000578145394924,-4.72242990212e-05,-0.000239307307024,0.000223400046232,0.000239211809395,0.000348064557285,0.000191867528274,-1.32574446893e-05,0.000214948497236,0.000376370289096,-0.000163398633354,0.000152587786458,-1.06684569277e-05,0.000360004181354,-0.000209223755024,-7.53866523914e-05,9.05846482924e-05])
  

# Application of the WVR, Tsys and antpos cal tables
mystep = 6
if(mystep in thesteps):
  casalog.post('Step '+str(mystep)+' '+step_title[mystep],'INFO')
  print 'Step ', mystep, step_title[mystep]

  
  
  from recipes.almahelpers import tsysspwmap
  tsysmap = tsysspwmap(vis = 'uid___A002_X4sda4d_Xa12.ms', tsystable = 'uid___A002_X4sda4d_Xa12.ms.tsys', tsysChanTol = 1)
  
  
  applycal(vis = 'uid___A002_X4sda4d_Xa12.ms',
    field = '0',
    spw = '9,11,13,15,17,19,21,23',
    gaintable = ['uid___A002_X4sda4d_Xa12.ms.tsys', 'uid___A002_X4sda4d_Xa12.ms.wvr', 'uid___A002_X4sda4d_Xa12.ms.antpos'],
    gainfield = ['0', '', ''],
    interp = 'linear,linear',
    spwmap = [tsysmap,[],[]],
    calwt = T,
    flagbackup = F)
  
  
  applycal(vis = 'uid___A002_X4sda4d_Xa12.ms',
    field = '1',
    spw = '9,11,13,15,17,19,21,23',
    gaintable = ['uid___A002_X4sda4d_Xa12.ms.tsys', 'uid___A002_X4sda4d_Xa12.ms.wvr', 'uid___A002_X4sda4d_Xa12.ms.antpos'],
    gainfield = ['1', '', ''],
    interp = 'linear,linear',
    spwmap = [tsysmap,[],[]],
    calwt = T,
    flagbackup = F)
  
  
  # Note: J1851+0035 didn't have any Tsys measurement, so I used the one made on IRAS12345. This is probably Ok.
  
  applycal(vis = 'uid___A002_X4sda4d_Xa12.ms',
    field = '2',
    spw = '9,11,13,15,17,19,21,23',
    gaintable = ['uid___A002_X4sda4d_Xa12.ms.tsys', 'uid___A002_X4sda4d_Xa12.ms.wvr', 'uid___A002_X4sda4d_Xa12.ms.antpos'],
    gainfield = ['3', '', ''],
    interp = 'linear,linear',
    spwmap = [tsysmap,[],[]],
    calwt = T,
    flagbackup = F)
  
  
  applycal(vis = 'uid___A002_X4sda4d_Xa12.ms',
    field = '3',
    spw = '9,11,13,15,17,19,21,23',
    gaintable = ['uid___A002_X4sda4d_Xa12.ms.tsys', 'uid___A002_X4sda4d_Xa12.ms.wvr', 'uid___A002_X4sda4d_Xa12.ms.antpos'],
    gainfield = ['3', '', ''],
    interp = 'linear,linear',
    spwmap = [tsysmap,[],[]],
    calwt = T,
    flagbackup = F)
  
  if applyonly != True: es.getCalWeightStats('uid___A002_X4sda4d_Xa12.ms') 
  

# Split out science SPWs and time average
mystep = 7
if(mystep in thesteps):
  casalog.post('Step '+str(mystep)+' '+step_title[mystep],'INFO')
  print 'Step ', mystep, step_title[mystep]

  os.system('rm -rf uid___A002_X4sda4d_Xa12.ms.split') 
  os.system('rm -rf uid___A002_X4sda4d_Xa12.ms.split.flagversions') 
  split(vis = 'uid___A002_X4sda4d_Xa12.ms',
    outputvis = 'uid___A002_X4sda4d_Xa12.ms.split',
    datacolumn = 'corrected',
    spw = '9,11,13,15,17,19,21,23',
    keepflags = T)
  
  

print "# Calibration"

# Listobs, clear pointing table, and save original flags
mystep = 8
if(mystep in thesteps):
  casalog.post('Step '+str(mystep)+' '+step_title[mystep],'INFO')
  print 'Step ', mystep, step_title[mystep]

  os.system('rm -rf uid___A002_X4sda4d_Xa12.ms.split.listobs')
  listobs(vis = 'uid___A002_X4sda4d_Xa12.ms.split',
    listfile = 'uid___A002_X4sda4d_Xa12.ms.split.listobs')
  
  tb.open('uid___A002_X4sda4d_Xa12.ms.split/POINTING', nomodify = False)
  a = tb.rownumbers()
  tb.removerows(a)
  tb.close()
  
  if not os.path.exists('uid___A002_X4sda4d_Xa12.ms.split.flagversions/Original.flags'):
    flagmanager(vis = 'uid___A002_X4sda4d_Xa12.ms.split',
      mode = 'save',
      versionname = 'Original')
  
  

# Initial flagging
mystep = 9
if(mystep in thesteps):
  casalog.post('Step '+str(mystep)+' '+step_title[mystep],'INFO')
  print 'Step ', mystep, step_title[mystep]

  # Flagging shadowed data
  
  flagdata(vis = 'uid___A002_X4sda4d_Xa12.ms.split',
    mode = 'shadow',
    flagbackup = F)
  
  

# Putting a model for the flux calibrator(s)
mystep = 10
if(mystep in thesteps):
  casalog.post('Step '+str(mystep)+' '+step_title[mystep],'INFO')
  print 'Step ', mystep, step_title[mystep]

  setjy(vis = 'uid___A002_X4sda4d_Xa12.ms.split',
    field = '1', # Titan
    spw = '0,1,2,3,4,5,6,7',
    standard = 'Butler-JPL-Horizons 2012')
  
  if applyonly != True:
    os.system('rm -rf uid___A002_X4sda4d_Xa12.ms.split.setjy.field*.png') 
    for i in ['1']:
      plotms(vis = 'uid___A002_X4sda4d_Xa12.ms.split',
        xaxis = 'uvdist',
        yaxis = 'amp',
        ydatacolumn = 'model',
        field = str(i),
        spw = '0,1,2,3,4,5,6,7',
        avgchannel = '9999',
        coloraxis = 'spw',
        plotfile = 'uid___A002_X4sda4d_Xa12.ms.split.setjy.field'+i+'.png')
  

# Save flags before bandpass cal
mystep = 11
if(mystep in thesteps):
  casalog.post('Step '+str(mystep)+' '+step_title[mystep],'INFO')
  print 'Step ', mystep, step_title[mystep]

  
  flagmanager(vis = 'uid___A002_X4sda4d_Xa12.ms.split',
    mode = 'save',
    versionname = 'BeforeBandpassCalibration')
  
  

# Bandpass calibration
mystep = 12
if(mystep in thesteps):
  casalog.post('Step '+str(mystep)+' '+step_title[mystep],'INFO')
  print 'Step ', mystep, step_title[mystep]

  os.system('rm -rf uid___A002_X4sda4d_Xa12.ms.split.ap_pre_bandpass') 
  
  gaincal(vis = 'uid___A002_X4sda4d_Xa12.ms.split',
    caltable = 'uid___A002_X4sda4d_Xa12.ms.split.ap_pre_bandpass',
    field = '0', # J1751+0939
    spw = '0:192~288,1:192~288,2:192~288,3:192~288,4:192~288,5:192~288,6:192~288,7:192~288',
    scan = '3',
    solint = 'int',
    refant = 'DA49',
    calmode = 'p')
  
  if applyonly != True: es.checkCalTable('uid___A002_X4sda4d_Xa12.ms.split.ap_pre_bandpass', msName='uid___A002_X4sda4d_Xa12.ms.split', interactive=False) 
  
  os.system('rm -rf uid___A002_X4sda4d_Xa12.ms.split.bandpass') 
  bandpass(vis = 'uid___A002_X4sda4d_Xa12.ms.split',
    caltable = 'uid___A002_X4sda4d_Xa12.ms.split.bandpass',
    field = '0', # J1751+0939
    scan = '3',
    solint = 'inf',
    combine = 'scan',
    refant = 'DA49',
    solnorm = True,
    bandtype = 'B',
    gaintable = 'uid___A002_X4sda4d_Xa12.ms.split.ap_pre_bandpass')
  
  os.system('rm -rf uid___A002_X4sda4d_Xa12.ms.split.bandpass_smooth20ch') 
  
  bandpass(vis = 'uid___A002_X4sda4d_Xa12.ms.split',
    caltable = 'uid___A002_X4sda4d_Xa12.ms.split.bandpass_smooth20ch',
    field = '0', # J1751+0939
    scan = '3',
    solint = 'inf,20ch',
    combine = 'scan',
    refant = 'DA49',
    solnorm = True,
    bandtype = 'B',
    gaintable = 'uid___A002_X4sda4d_Xa12.ms.split.ap_pre_bandpass')
  
  if applyonly != True: es.checkCalTable('uid___A002_X4sda4d_Xa12.ms.split.bandpass_smooth20ch', msName='uid___A002_X4sda4d_Xa12.ms.split', interactive=False) 
  
  if applyonly != True: es.checkCalTable('uid___A002_X4sda4d_Xa12.ms.split.bandpass', msName='uid___A002_X4sda4d_Xa12.ms.split', interactive=False) 
  

# Save flags before gain cal
mystep = 13
if(mystep in thesteps):
  casalog.post('Step '+str(mystep)+' '+step_title[mystep],'INFO')
  print 'Step ', mystep, step_title[mystep]

  
  flagmanager(vis = 'uid___A002_X4sda4d_Xa12.ms.split',
    mode = 'save',
    versionname = 'BeforeGainCalibration')
  
  

# Gain calibration
mystep = 14
if(mystep in thesteps):
  casalog.post('Step '+str(mystep)+' '+step_title[mystep],'INFO')
  print 'Step ', mystep, step_title[mystep]

  # Note: the Solar system object used for flux calibration is highly resolved on some baselines.
  # Note: we will first determine the flux of the phase calibrator(s) on a subset of antennas.
  
  delmod('uid___A002_X4sda4d_Xa12.ms.split',field='2')
  
  os.system('rm -rf uid___A002_X4sda4d_Xa12.ms.split.phase_short_int') 
  gaincal(vis = 'uid___A002_X4sda4d_Xa12.ms.split',
    caltable = 'uid___A002_X4sda4d_Xa12.ms.split.phase_short_int',
    field = '1', # Titan
    selectdata = T,
    antenna = 'DA46,DA49,DA50,DA51,DV03,DV06,DV09,DV10,DV11&',
    uvrange = '0~100m', # Titan resolved (check amp model vs uvdist plot)
    solint = 'int',
    refant = 'DA49',
    minblperant = 1,
    minsnr = 2.0,
    gaintype = 'G',
    calmode = 'p',
    gaintable = 'uid___A002_X4sda4d_Xa12.ms.split.bandpass_smooth20ch')
  
  gaincal(vis = 'uid___A002_X4sda4d_Xa12.ms.split',
    caltable = 'uid___A002_X4sda4d_Xa12.ms.split.phase_short_int',
    field = '0,2', # J1751+0939,J1851+0035
    selectdata = T,
    solint = 'int',
    refant = 'DA49',
    minblperant = 1,
    minsnr = 2.0,
    gaintype = 'G',
    calmode = 'p',
    append = T,
    gaintable = 'uid___A002_X4sda4d_Xa12.ms.split.bandpass_smooth20ch')
  
  if applyonly != True: es.checkCalTable('uid___A002_X4sda4d_Xa12.ms.split.phase_short_int', msName='uid___A002_X4sda4d_Xa12.ms.split', interactive=False) 
  
  os.system('rm -rf uid___A002_X4sda4d_Xa12.ms.split.ampli_short_inf') 
  gaincal(vis = 'uid___A002_X4sda4d_Xa12.ms.split',
    caltable = 'uid___A002_X4sda4d_Xa12.ms.split.ampli_short_inf',
    field = '0,1,2', # J1751+0939,Titan,J1851+0035
    selectdata = T,
    solint = 'inf',
    refant = 'DA49',
    minblperant = 1,
    minsnr = 2.0,
    gaintype = 'T',
    calmode = 'a',
    gaintable = ['uid___A002_X4sda4d_Xa12.ms.split.bandpass_smooth20ch', 'uid___A002_X4sda4d_Xa12.ms.split.phase_short_int'])
  
  if applyonly != True: es.checkCalTable('uid___A002_X4sda4d_Xa12.ms.split.ampli_short_inf', msName='uid___A002_X4sda4d_Xa12.ms.split', interactive=False) 
  
  os.system('rm -rf uid___A002_X4sda4d_Xa12.ms.split.flux_short_inf') 
  os.system('rm -rf uid___A002_X4sda4d_Xa12.ms.split.fluxscale') 
  mylogfile = casalog.logfile()
  casalog.setlogfile('uid___A002_X4sda4d_Xa12.ms.split.fluxscale')
  
  fluxscaleDict = fluxscale(vis = 'uid___A002_X4sda4d_Xa12.ms.split',
    caltable = 'uid___A002_X4sda4d_Xa12.ms.split.ampli_short_inf',
    fluxtable = 'uid___A002_X4sda4d_Xa12.ms.split.flux_short_inf',
    reference = '1') # Titan
  
  casalog.setlogfile(mylogfile)
  
  if applyonly != True: es.fluxscale2(caltable = 'uid___A002_X4sda4d_Xa12.ms.split.ampli_short_inf', removeOutliers=True, msName='uid___A002_X4sda4d_Xa12.ms', writeToFile=True, preavg=10000)
  
  f = open('uid___A002_X4sda4d_Xa12.ms.split.fluxscale')
  fc = f.readlines()
  f.close()
  
  for phaseCalName in ['J1851+0035']:
    for i in range(len(fc)):
      if fc[i].find('Flux density for '+phaseCalName) != -1 and re.search('in SpW=[0-9]+(?: \(.*?\))? is: [0-9]+\.[0-9]+', fc[i], re.DOTALL|re.IGNORECASE) != None:
        line = (re.search('in SpW=[0-9]+(?: \(.*?\))? is: [0-9]+\.[0-9]+', fc[i], re.DOTALL|re.IGNORECASE)).group(0)
        spwId = (line.split('='))[1].split()[0]
        flux = float((line.split(':'))[1].split()[0])
        setjy(vis = 'uid___A002_X4sda4d_Xa12.ms.split',
          field = phaseCalName.replace(';','*;').split(';')[0],
          spw = spwId,
          standard = 'manual',
          fluxdensity = [flux,0,0,0])
  
  os.system('rm -rf uid___A002_X4sda4d_Xa12.ms.split.phase_int') 
  gaincal(vis = 'uid___A002_X4sda4d_Xa12.ms.split',
    caltable = 'uid___A002_X4sda4d_Xa12.ms.split.phase_int',
    field = '0,1,2', # J1751+0939,Titan,J1851+0035
    solint = 'int',
    refant = 'DA49',
    gaintype = 'G',
    calmode = 'p',
    gaintable = 'uid___A002_X4sda4d_Xa12.ms.split.bandpass_smooth20ch')
  
  if applyonly != True: es.checkCalTable('uid___A002_X4sda4d_Xa12.ms.split.phase_int', msName='uid___A002_X4sda4d_Xa12.ms.split', interactive=False) 
  
  os.system('rm -rf uid___A002_X4sda4d_Xa12.ms.split.flux_inf') 
  gaincal(vis = 'uid___A002_X4sda4d_Xa12.ms.split',
    caltable = 'uid___A002_X4sda4d_Xa12.ms.split.flux_inf',
    field = '0,1,2', # J1751+0939,Titan,J1851+0035
    solint = 'inf',
    refant = 'DA49',
    gaintype = 'T',
    calmode = 'a',
    gaintable = ['uid___A002_X4sda4d_Xa12.ms.split.bandpass_smooth20ch', 'uid___A002_X4sda4d_Xa12.ms.split.phase_int'])
  
  if applyonly != True: es.checkCalTable('uid___A002_X4sda4d_Xa12.ms.split.flux_inf', msName='uid___A002_X4sda4d_Xa12.ms.split', interactive=False) 
  
  os.system('rm -rf uid___A002_X4sda4d_Xa12.ms.split.phase_inf') 
  gaincal(vis = 'uid___A002_X4sda4d_Xa12.ms.split',
    caltable = 'uid___A002_X4sda4d_Xa12.ms.split.phase_inf',
    field = '0,1,2', # J1751+0939,Titan,J1851+0035
    solint = 'inf',
    refant = 'DA49',
    gaintype = 'G',
    calmode = 'p',
    gaintable = 'uid___A002_X4sda4d_Xa12.ms.split.bandpass_smooth20ch')
  
  if applyonly != True: es.checkCalTable('uid___A002_X4sda4d_Xa12.ms.split.phase_inf', msName='uid___A002_X4sda4d_Xa12.ms.split', interactive=False) 
  

# Save flags before applycal
mystep = 15
if(mystep in thesteps):
  casalog.post('Step '+str(mystep)+' '+step_title[mystep],'INFO')
  print 'Step ', mystep, step_title[mystep]

  
  flagmanager(vis = 'uid___A002_X4sda4d_Xa12.ms.split',
    mode = 'save',
    versionname = 'BeforeApplycal')
  
  

# Application of the bandpass and gain cal tables
mystep = 16
if(mystep in thesteps):
  casalog.post('Step '+str(mystep)+' '+step_title[mystep],'INFO')
  print 'Step ', mystep, step_title[mystep]

  for i in ['0', '1']: # J1751+0939,Titan
    applycal(vis = 'uid___A002_X4sda4d_Xa12.ms.split',
      field = str(i),
      gaintable = ['uid___A002_X4sda4d_Xa12.ms.split.bandpass_smooth20ch', 'uid___A002_X4sda4d_Xa12.ms.split.phase_int', 'uid___A002_X4sda4d_Xa12.ms.split.flux_inf'],
      gainfield = ['', i, i],
      interp = 'linear,linear',
      calwt = T,
      flagbackup = F)
  
  applycal(vis = 'uid___A002_X4sda4d_Xa12.ms.split',
    field = '2,3', # IRAS12345
    gaintable = ['uid___A002_X4sda4d_Xa12.ms.split.bandpass_smooth20ch', 'uid___A002_X4sda4d_Xa12.ms.split.phase_inf', 'uid___A002_X4sda4d_Xa12.ms.split.flux_inf'],
    gainfield = ['', '2', '2'], # J1851+0035
    interp = 'linear,linear',
    calwt = T,
    flagbackup = F)
  

# Split out corrected column
mystep = 17
if(mystep in thesteps):
  casalog.post('Step '+str(mystep)+' '+step_title[mystep],'INFO')
  print 'Step ', mystep, step_title[mystep]

  os.system('rm -rf uid___A002_X4sda4d_Xa12.ms.split.cal') 
  os.system('rm -rf uid___A002_X4sda4d_Xa12.ms.split.cal.flagversions') 
  split(vis = 'uid___A002_X4sda4d_Xa12.ms.split',
    outputvis = 'uid___A002_X4sda4d_Xa12.ms.split.cal',
    datacolumn = 'corrected',
    keepflags = T)
  
  

# Save flags after applycal
mystep = 18
if(mystep in thesteps):
  casalog.post('Step '+str(mystep)+' '+step_title[mystep],'INFO')
  print 'Step ', mystep, step_title[mystep]

  
  flagmanager(vis = 'uid___A002_X4sda4d_Xa12.ms.split.cal',
    mode = 'save',
    versionname = 'AfterApplycal')
  
  

