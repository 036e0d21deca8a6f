"""Image templates: tagging, object identification, scenes, categorisation, bounding boxes."""

from __future__ import annotations

from labelpool.controls.fields import FieldKind
from labelpool.projects.templates._dsl import (
    boxes,
    choice,
    data,
    guidelines,
    labels,
    options,
    text,
    when,
)
from labelpool.projects.templates.model import ProjectTemplate, TaskFamily

IMAGE_TAGGING = ProjectTemplate(
    key="image-tagging",
    title="Image tagging",
    family=TaskFamily.IMAGE,
    description=(
        "Tag each photo with every content tag that applies (people, animals, vehicles, "
        "food, text ...), after flagging images that cannot be judged."
    ),
    instructions=(
        "Look at the whole image. First say whether it can be judged at all, then tick every "
        "tag that clearly applies to something visible in it. Tick nothing you have to guess."
    ),
    data_fields=(data("image", FieldKind.IMAGE, "The photo to tag.", "images/market-01.jpg"),),
    controls=(
        choice(
            "image_ok",
            "Can you see the image clearly enough to tag it?",
            options(
                ("ok", "Yes", "Content is recognisable, even if not perfect"),
                ("blurry", "Too blurry or dark", "You cannot tell what is shown"),
                ("broken", "Broken or blank", "Does not load, is empty or an error image"),
            ),
            target="image",
            section="2",
        ),
        choice(
            "tags",
            "Which of these are clearly visible?",
            options(
                ("people", "People", "Any person or clearly human body part"),
                ("animals", "Animals", "Pets, wildlife, livestock, birds, insects"),
                ("vehicles", "Vehicles", "Cars, bikes, buses, trains, boats, planes"),
                ("buildings", "Buildings", "Houses, towers, bridges, building interiors"),
                ("food_drink", "Food or drink", "Meals, produce, drinks, packaged food"),
                ("plants_nature", "Plants or landscape", "Trees, flowers, mountains, sea"),
                ("text_signage", "Readable text", "Signs, labels, screens you can read"),
                ("screenshot", "Screenshot or graphic", "Not a camera photo"),
            ),
            target="image",
            multiple=True,
            min_selected=1,
            show_if=when("image_ok", "ok"),
            section="3",
        ),
    ),
    guidelines=guidelines(
        """
        # Image tagging guidelines

        ## 1. Task
        You see one image. Decide whether it can be judged, then tick every tag that applies.
        Tags describe what is *visible*, not what the image is "about".

        ## 2. Unusable images
        Choose **Too blurry or dark** when you cannot tell what the main content is, and
        **Broken or blank** when the image does not load, is a single colour or an error
        picture. Do not tag unusable images.
        - Example: a black frame with a faint lamp → *Too blurry or dark*.
        - Example: a slightly soft photo of a dog you can clearly recognise → *Yes*.

        ## 3. Tags
        ### 3.1 Tick what you can see
        Tick a tag if at least one clear instance is visible, even if small. Reflections,
        posters and photos inside the photo count. Partly hidden objects count when you are
        sure what they are.
        - Example: a street with one distant cyclist → *People*, *Vehicles*, *Buildings*.

        ### 3.2 Edge cases
        - Toys and statues of animals are **not** *Animals*; a drawing of a cat in a
          screenshot is *Screenshot or graphic* only.
        - *Readable text* needs words you can actually read, not just shapes of letters.
        - A plate of fruit on a kitchen table → *Food or drink* (not *Plants or landscape*).

        ## 4. Examples
        - A farmer's market stall with price signs → *People*, *Food or drink*, *Readable
          text* (buyers, vegetables and legible signs).
        - A phone screenshot of a map app → *Screenshot or graphic*, *Readable text* (not a
          camera photo; street names are legible).
        """
    ),
    sample_items=(
        {"image": "images/market-01.jpg"},
        {"image": "images/street-cyclist.jpg"},
        {"image": "https://example.org/media/beach-dog.jpg"},
    ),
    sample_answer={"image_ok": "ok", "tags": ["people", "food_drink", "text_signage"]},
)

OBJECT_IDENTIFICATION = ProjectTemplate(
    key="object-identification",
    title="Object identification",
    family=TaskFamily.IMAGE,
    description=(
        "Say which objects from a fixed list appear in a street or home photo, with a free "
        "note for important objects missing from the list."
    ),
    instructions=(
        "Scan the whole image, corners included, and tick every listed object you can see. "
        "Tick 'None of these' only if none of the listed objects appears anywhere."
    ),
    data_fields=(data("image", FieldKind.IMAGE, "The photo to inspect.", "images/street-01.jpg"),),
    controls=(
        choice(
            "objects",
            "Which of these objects are present?",
            options(
                ("person", "Person"),
                ("bicycle", "Bicycle"),
                ("car", "Car"),
                ("motorcycle", "Motorcycle or scooter"),
                ("bus", "Bus"),
                ("truck", "Truck or van"),
                ("traffic_light", "Traffic light"),
                ("stop_sign", "Stop sign"),
                ("dog", "Dog"),
                ("cat", "Cat"),
                ("none", "None of these", "Only when no listed object is visible"),
            ),
            target="image",
            multiple=True,
            min_selected=1,
            section="2",
        ),
        text(
            "other_objects",
            "Other prominent objects not in the list (optional)",
            target="image",
            required=False,
            max_length=200,
            placeholder="e.g. fire hydrant, shopping trolley",
            section="3",
        ),
    ),
    guidelines=guidelines(
        """
        # Object identification guidelines

        ## 1. Task
        Tick every object class from the list that appears in the image at least once.
        You do not count or locate objects, only say whether each is present.

        ## 2. Listed objects
        ### 2.1 When an object counts
        An object counts when you can identify it with confidence, even if it is small,
        partly hidden or cut off by the image edge. Pictures of objects (billboards, toys)
        do **not** count.
        - Example: a bus half hidden behind a tree → tick *Bus*.
        - Example: a poster showing a cat on a shop window → do **not** tick *Cat*.

        ### 2.2 Similar classes
        - Pick-ups, delivery vans and lorries are *Truck or van*; SUVs and taxis are *Car*.
        - E-scooters and mopeds are *Motorcycle or scooter*; a parked bicycle is *Bicycle*.
        - A rider on a bicycle: tick both *Person* and *Bicycle*.

        ### 2.3 None of these
        Tick *None of these* alone. Never combine it with another object.
        - Example: an empty kitchen → *None of these*.

        ## 3. Other objects
        Optionally name up to a few large or important objects that are not in the list,
        separated by commas. Leave empty if there are none.
        - Example: a street corner with a red hydrant → note "fire hydrant".
        """
    ),
    sample_items=(
        {"image": "images/street-01.jpg"},
        {"image": "images/kitchen-empty.jpg"},
        {"image": "https://example.org/media/park-dog-walker.jpg"},
    ),
    sample_answer={"objects": ["person", "car", "traffic_light"], "other_objects": "fire hydrant"},
)

SCENE_CLASSIFICATION = ProjectTemplate(
    key="scene-classification",
    title="Scene classification",
    family=TaskFamily.IMAGE,
    description="Classify where a photo was taken (the type of place) and the lighting.",
    instructions=(
        "Decide what kind of place the photo shows as a whole, not a single object in it, "
        "then say whether it was taken in daylight, at night, or indoors with artificial light."
    ),
    data_fields=(data("image", FieldKind.IMAGE, "The photo to classify.", "images/office.jpg"),),
    controls=(
        choice(
            "scene",
            "What type of place is shown?",
            options(
                ("home", "Home interior", "Living room, kitchen, bedroom, bathroom"),
                ("workplace", "Workplace interior", "Office, workshop, lab, classroom"),
                ("public_indoor", "Public indoor place", "Shop, restaurant, station, mall"),
                ("urban_outdoor", "Urban outdoors", "Streets, squares, car parks"),
                ("rural_outdoor", "Rural outdoors", "Farmland, villages, country roads"),
                ("nature", "Nature", "Forest, beach, mountains, desert, open water"),
                ("unclear", "Cannot tell", "Close-up or abstract; no place visible"),
            ),
            target="image",
            section="2",
        ),
        choice(
            "lighting",
            "What is the lighting?",
            options(
                ("daylight", "Daylight"),
                ("night", "Night or dusk"),
                ("artificial", "Indoor artificial light"),
                ("unknown", "Cannot tell"),
            ),
            target="image",
            section="3",
        ),
    ),
    guidelines=guidelines(
        """
        # Scene classification guidelines

        ## 1. Task
        Classify the **place** where the photo was taken, judged from the whole image,
        then its lighting.

        ## 2. Scene types
        ### 2.1 Indoors
        - *Home interior*: private living spaces, including a home office.
        - *Workplace interior*: places people work that the public does not visit.
        - *Public indoor place*: shops, restaurants, stations, museums, gyms.
        - Example: a café counter seen from the customer side → *Public indoor place*.

        ### 2.2 Outdoors
        - *Urban outdoors*: built-up areas with roads and buildings dominating.
        - *Rural outdoors*: fields, farms, villages; some buildings but mostly open land.
        - *Nature*: little or no human construction visible.
        - Example: a beach with a promenade and hotels behind it → *Urban outdoors* if the
          buildings fill most of the frame, *Nature* if the sea and sand do.

        ### 2.3 Cannot tell
        Use for close-ups (a face, a dish, a screen) where no surroundings are visible.

        ## 3. Lighting
        *Daylight* includes overcast days and daylight through windows. Pick *Indoor
        artificial light* when lamps clearly light the scene and no daylight is visible.
        - Example: a street with lit shop windows and a dark sky → *Night or dusk*.
        """
    ),
    sample_items=(
        {"image": "images/office-open-plan.jpg"},
        {"image": "images/country-road.jpg"},
        {"image": "https://example.org/media/night-square.jpg"},
    ),
    sample_answer={"scene": "workplace", "lighting": "artificial"},
)

CONTENT_CATEGORIZATION = ProjectTemplate(
    key="content-categorization",
    title="Content categorization",
    family=TaskFamily.IMAGE,
    description=(
        "Assign a social media post (image with an optional caption) to one main topic "
        "category, plus any secondary categories."
    ),
    instructions=(
        "Read the caption and look at the image together. Choose the one category the post is "
        "mainly about, then any other categories that are clearly also covered."
    ),
    data_fields=(
        data("image", FieldKind.IMAGE, "The post's image.", "images/post-01.jpg"),
        data(
            "caption",
            FieldKind.TEXT,
            "The post's caption, if any.",
            "Sunday roast done right",
            required=False,
        ),
    ),
    controls=(
        choice(
            "category",
            "What is the post mainly about?",
            options(
                ("news_politics", "News and politics"),
                ("sports", "Sports"),
                ("entertainment", "Entertainment", "Film, music, TV, celebrities, games"),
                ("food", "Food and drink"),
                ("travel", "Travel and places"),
                ("fashion_beauty", "Fashion and beauty"),
                ("technology", "Technology"),
                ("health_fitness", "Health and fitness"),
                ("finance", "Business and finance"),
                ("personal", "Personal life", "Family, pets, friends, everyday moments"),
                ("other", "Other"),
            ),
            target="image",
            section="2",
        ),
        choice(
            "secondary",
            "Which other categories also clearly apply? (optional)",
            options(
                ("news_politics", "News and politics"),
                ("sports", "Sports"),
                ("entertainment", "Entertainment"),
                ("food", "Food and drink"),
                ("travel", "Travel and places"),
                ("fashion_beauty", "Fashion and beauty"),
                ("technology", "Technology"),
                ("health_fitness", "Health and fitness"),
                ("finance", "Business and finance"),
                ("personal", "Personal life"),
            ),
            target="image",
            multiple=True,
            required=False,
            max_selected=3,
            section="3",
        ),
    ),
    guidelines=guidelines(
        """
        # Content categorization guidelines

        ## 1. Task
        Each item is a post: an image and, usually, a caption. Categorise the post as a whole,
        using both. When image and caption disagree, the caption states the intent.

        ## 2. Main category
        Pick the single category that best answers "what is this post about?".
        - Example: a photo of a marathon finish line, caption "Finally did it! 4:12" →
          *Sports* (the event), not *Personal life*.
        - Example: a plate of pasta, caption "New menu at Lucia's, opening Friday" →
          *Food and drink*.
        - Choose *Other* only if no category fits; do not use it for mixed posts.

        ## 3. Secondary categories
        ### 3.1 When to add one
        Add up to three more categories that are a clear second subject, not a passing
        detail. Never repeat the main category here.
        - Example: a runner's selfie with "new watch tracks my heart rate perfectly" → main
          *Health and fitness*, secondary *Technology*.

        ### 3.2 When not to
        A logo on a T-shirt does not make a post *Fashion*; a phone in someone's hand does
        not make it *Technology*. Leave secondary empty when nothing else stands out.
        """
    ),
    sample_items=(
        {"image": "images/post-marathon.jpg", "caption": "Finally did it! 4:12 #marathon"},
        {"image": "images/post-pasta.jpg", "caption": "New menu at Lucia's, opening Friday"},
        {"image": "https://example.org/media/post-sunset.jpg"},
    ),
    sample_answer={"category": "sports", "secondary": ["personal"]},
)

IMAGE_BOUNDING_BOXES = ProjectTemplate(
    key="image-bounding-boxes",
    title="Image bounding boxes",
    family=TaskFamily.IMAGE,
    description=(
        "Draw a tight box around every person and road vehicle in street photos, each with "
        "its class label (detection training data)."
    ),
    instructions=(
        "Draw one tight box around each visible person, bicycle, car, motorcycle, bus and "
        "truck, and pick its label. Box every instance, including small and partly hidden ones."
    ),
    data_fields=(
        data("image", FieldKind.IMAGE, "The street photo to annotate.", "images/street-01.jpg"),
    ),
    controls=(
        boxes(
            "objects",
            "Box every person and vehicle",
            labels(
                ("person", "Person", "#e6194b"),
                ("bicycle", "Bicycle", "#3cb44b"),
                ("car", "Car", "#4363d8"),
                ("motorcycle", "Motorcycle", "#f58231"),
                ("bus", "Bus", "#911eb4"),
                ("truck", "Truck", "#42d4f4"),
            ),
            target="image",
            required=False,
            section="2",
        ),
    ),
    guidelines=guidelines(
        """
        # Bounding box guidelines

        ## 1. Task
        Draw one box per object of the listed classes, and choose its label. If the image has
        none of them, submit without boxes.

        ## 2. Drawing boxes
        ### 2.1 Tight boxes
        The box touches the outermost visible pixels of the object on all four sides:
        no gap, nothing cut off. Include mirrors, handles and bags a person holds; do not
        include shadows.
        - Example: a pedestrian with an umbrella → the box includes the umbrella.

        ### 2.2 Occluded and truncated objects
        Box only the **visible** part of a partly hidden object. Objects cut by the image edge
        are boxed up to the edge. Skip objects smaller than about 10 x 10 pixels.
        - Example: a car behind a lamp post → one box over the whole visible car, not two.

        ### 2.3 Groups and reflections
        Box each person in a crowd separately while you can tell them apart. Do not box
        reflections or people on posters and screens.

        ## 3. Labels
        - *Person* includes cyclists and riders; also box their *Bicycle* or *Motorcycle*.
        - *Truck* covers vans, pick-ups and lorries; taxis and SUVs are *Car*.
        - Example: a delivery van double-parked → *Truck*.
        """
    ),
    sample_items=(
        {"image": "images/street-01.jpg"},
        {"image": "images/crossing-cyclists.jpg"},
        {"image": "https://example.org/media/bus-stop.jpg"},
    ),
    sample_answer={
        "objects": [
            {"x": 120, "y": 80, "w": 60, "h": 170, "label": "person"},
            {"x": 300, "y": 200, "w": 220, "h": 110, "label": "car"},
        ]
    },
)

TEMPLATES = (
    IMAGE_TAGGING,
    OBJECT_IDENTIFICATION,
    SCENE_CLASSIFICATION,
    CONTENT_CATEGORIZATION,
    IMAGE_BOUNDING_BOXES,
)
